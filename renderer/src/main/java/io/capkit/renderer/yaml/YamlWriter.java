package io.capkit.renderer.yaml;

import io.capkit.api.yaml.YamlScalars;
import java.nio.charset.StandardCharsets;
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
  private static final String SPACES = " ".repeat(256);
  private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");

  private YamlWriter() {}

  /** One document, ending with a newline, without a {@code ---} marker. */
  public static String write(Map<String, ?> document) {
    StringBuilder b = new StringBuilder(1024);
    writeMap(b, document, 0);
    return b.toString();
  }

  /** Documents separated by {@code ---} lines. */
  public static String writeAll(List<? extends Map<String, ?>> documents) {
    StringBuilder b = new StringBuilder(8192);
    for (int i = 0; i < documents.size(); i++) {
      if (i > 0) {
        b.append("---\n");
      }
      writeMap(b, documents.get(i), 0);
    }
    return b.toString();
  }

  /** {@code header} then the documents as by {@link #writeAll}, in UTF-8 (one buffer, no concatenated copy). */
  public static byte[] writeAllUtf8(String header, List<? extends Map<String, ?>> documents) {
    StringBuilder b = new StringBuilder(16384);
    b.append(header);
    for (int i = 0; i < documents.size(); i++) {
      if (i > 0) {
        b.append("---\n");
      }
      writeMap(b, documents.get(i), 0);
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void writeMap(StringBuilder b, Map<String, ?> map, int indent) {
    boolean first = true;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (!first) {
        pad(b, indent);
      }
      first = false;
      scalar(b, e.getKey());
      b.append(':');
      writeValue(b, e.getValue(), indent, false);
    }
  }

  // Writes what follows "key:" or "- ": a scalar on the same line, a collection below it.
  @SuppressWarnings("unchecked")
  private static void writeValue(StringBuilder b, Object v, int indent, boolean inList) {
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      if (inList) {
        b.append(' ');
        writeMap(b, (Map<String, ?>) m, indent + 2);
      } else {
        b.append('\n');
        pad(b, indent + 2);
        writeMap(b, (Map<String, ?>) m, indent + 2);
      }
    } else if (v instanceof List<?> l && !l.isEmpty()) {
      int at = inList ? indent + 2 : indent;
      if (inList) {
        b.append(' ');
      } else {
        b.append('\n');
        pad(b, at);
      }
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          pad(b, at);
        }
        b.append('-');
        writeValue(b, l.get(i), at, true);
      }
    } else {
      b.append(' ');
      if (v instanceof Map<?, ?>) {
        b.append("{}");
      } else if (v instanceof List<?>) {
        b.append("[]");
      } else {
        scalar(b, v);
      }
      b.append('\n');
    }
  }

  private static void pad(StringBuilder b, int n) {
    b.append(SPACES, 0, n);
  }

  // Plain when it starts with a letter and has only letters, digits and _ . / - (no regex: this is the hot path).
  private static boolean plain(String s) {
    if (s.isEmpty() || !letter(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!letter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '/' && c != '-') {
        return false;
      }
    }
    return s.length() > 5 || !RESERVED.contains(s.toLowerCase(Locale.ROOT));
  }

  private static boolean letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static void scalar(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Integer || v instanceof Long || v instanceof Boolean || v instanceof Placeholder) {
      b.append(v);
    } else if (v instanceof String s) {
      string(b, s);
    } else {
      throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as YAML");
    }
  }

  private static void string(StringBuilder b, String s) {
    if (plain(s)) {
      b.append(s);
      return;
    }
    YamlScalars.appendDoubleQuoted(b, s);
  }
}
