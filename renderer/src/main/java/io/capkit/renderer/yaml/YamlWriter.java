package io.capkit.renderer.yaml;

import io.capkit.api.yaml.Utf8Buffer;
import io.capkit.api.yaml.YamlScalars;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small, deterministic YAML emitter for plain data (maps in insertion order, lists, strings, integers,
 * booleans, {@link Placeholder}s). Block style, sequences not indented (as kubectl and kustomize print them),
 * strings double-quoted unless they are unambiguous plain scalars under both YAML 1.1 and 1.2.
 */
public final class YamlWriter {
  private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");
  // One buffer per thread, kept between files: a file is written into it, then copied out once.
  private static final ThreadLocal<Utf8Buffer> BUFFER = ThreadLocal.withInitial(() -> new Utf8Buffer(16384));

  private YamlWriter() {}

  /** One document, ending with a newline, without a {@code ---} marker. */
  public static String write(Map<String, ?> document) {
    Utf8Buffer b = new Utf8Buffer(1024);
    writeMap(b, document, 0);
    return b.toString();
  }

  /** Documents separated by {@code ---} lines. */
  public static String writeAll(List<? extends Map<String, ?>> documents) {
    Utf8Buffer b = new Utf8Buffer(8192);
    writeDocuments(b, documents);
    return b.toString();
  }

  /** {@code header} then the documents as by {@link #writeAll}, in UTF-8, written as bytes (no text copy). */
  public static byte[] writeAllUtf8(String header, List<? extends Map<String, ?>> documents) {
    Utf8Buffer b = BUFFER.get();
    b.clear();
    b.append(header);
    writeDocuments(b, documents);
    return b.toByteArray();
  }

  private static void writeDocuments(Utf8Buffer b, List<? extends Map<String, ?>> documents) {
    for (int i = 0; i < documents.size(); i++) {
      if (i > 0) {
        b.append("---\n");
      }
      writeMap(b, documents.get(i), 0);
    }
  }

  private static void writeMap(Utf8Buffer b, Map<String, ?> map, int indent) {
    // forEach walks a map's own storage (no iterator, no entry objects).
    map.forEach(new Entries(b, indent));
  }

  /** Writes a map's entries, one per line, all but the first indented. */
  private static final class Entries implements java.util.function.BiConsumer<String, Object> {
    private final Utf8Buffer b;
    private final int indent;
    private boolean first = true;

    Entries(Utf8Buffer b, int indent) {
      this.b = b;
      this.indent = indent;
    }

    @Override
    public void accept(String key, Object value) {
      if (!first) {
        b.repeat(' ', indent);
      }
      first = false;
      key(b, key);
      b.ascii(':');
      writeValue(b, value, indent, false);
    }
  }

  // Keys are mostly the renderer's own constants, the same few hundred in every file: each is encoded once (a lookup
  // by a hash the String keeps), up to a bound so that arbitrary keys cannot grow it without limit.
  private static final int MAX_KEYS = 4096;
  private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> KEYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static void key(Utf8Buffer b, String key) {
    byte[] known = key == null ? null : KEYS.get(key);
    if (known != null) {
      b.append(known);
      return;
    }
    int at = b.length();
    scalar(b, key);
    if (key != null && KEYS.size() < MAX_KEYS) {
      KEYS.putIfAbsent(key, b.copy(at, b.length()));
    }
  }

  // Writes what follows "key:" or "- ": a scalar on the same line, a collection below it.
  @SuppressWarnings("unchecked")
  private static void writeValue(Utf8Buffer b, Object v, int indent, boolean inList) {
    if (v instanceof String s) {
      // Most values are text: decided before the (slower) interface type checks.
      b.ascii(' ');
      string(b, s);
      b.ascii('\n');
    } else if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      if (inList) {
        b.ascii(' ');
        writeMap(b, (Map<String, ?>) m, indent + 2);
      } else {
        b.ascii('\n');
        b.repeat(' ', indent + 2);
        writeMap(b, (Map<String, ?>) m, indent + 2);
      }
    } else if (v instanceof List<?> l && !l.isEmpty()) {
      int at = inList ? indent + 2 : indent;
      if (inList) {
        b.ascii(' ');
      } else {
        b.ascii('\n');
        b.repeat(' ', at);
      }
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.repeat(' ', at);
        }
        b.ascii('-');
        writeValue(b, l.get(i), at, true);
      }
    } else {
      b.ascii(' ');
      if (v instanceof Map<?, ?>) {
        b.append("{}");
      } else if (v instanceof List<?>) {
        b.append("[]");
      } else {
        scalar(b, v);
      }
      b.ascii('\n');
    }
  }

  private static boolean letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static void scalar(Utf8Buffer b, Object v) {
    if (v instanceof String s) {
      string(b, s);
    } else if (v == null) {
      b.append("null");
    } else if (v instanceof Integer || v instanceof Long || v instanceof Boolean || v instanceof Placeholder) {
      b.append(v.toString());
    } else {
      throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as YAML");
    }
  }

  // The characters a plain scalar may hold after its first letter: letters, digits, _ . / -
  private static final boolean[] PLAIN = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      PLAIN[c] = letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' || c == '-';
    }
  }

  /**
   * Plain when it starts with a letter and has only letters, digits and _ . / - (and is not a YAML 1.1 boolean or
   * null); otherwise double-quoted. A plain scalar is ASCII: checked first, then copied in one go.
   */
  private static void string(Utf8Buffer b, String s) {
    int n = s.length();
    if (n > 0 && letter(s.charAt(0)) && (n > 5 || !reserved(s))) {
      int i = 1;
      while (i < n) {
        char c = s.charAt(i);
        if (c >= 128 || !PLAIN[c]) {
          break;
        }
        i++;
      }
      if (i == n) {
        b.appendAscii(s);
        return;
      }
    }
    YamlScalars.appendDoubleQuoted(b, s);
  }

  // Only words that start like y/n/true/false/on/off/null can be reserved: the others skip the lower-casing.
  private static boolean reserved(String s) {
    switch (s.charAt(0)) {
      case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O' -> {
        return RESERVED.contains(s.toLowerCase(Locale.ROOT));
      }
      default -> {
        return false;
      }
    }
  }
}
