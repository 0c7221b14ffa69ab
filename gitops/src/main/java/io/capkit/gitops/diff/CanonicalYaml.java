package io.capkit.gitops.diff;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * The canonical block YAML of an object in a diff: what snakeyaml's {@link Dump} writes with {@link #SETTINGS},
 * byte for byte. Dumping dominated large diffs, so data made only of maps with short keys, lists, integers,
 * booleans, nulls and strings of a few unambiguous characters is written here directly: the only choice left for
 * such a string, plain or single-quoted, is made by snakeyaml's own scalar resolver, as its emitter makes it.
 * A string value with other characters is written as snakeyaml's emitter writes it on its own in a list ({@code - X}),
 * remembered per string: with lines never split, the emitter chooses a value's style and text from the string
 * alone, the same in a list as after a key, at any indent. Anything else (a key with other characters, a value the
 * emitter writes over several lines, other types, a collection met twice) goes to snakeyaml whole.
 * {@code CanonicalYamlTest} holds the two to the same bytes on rendered fleets and on random data.
 */
final class CanonicalYaml {
  static final DumpSettings SETTINGS = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK)
      .setIndent(2).setIndicatorIndent(0).setWidth(Integer.MAX_VALUE).setSplitLines(false).build();
  private static final ScalarResolver RESOLVER = SETTINGS.getSchema().getScalarResolver();
  /** Well below snakeyaml's simple key limit (128), past which it writes {@code ? key}. */
  private static final int MAX_KEY = 100;
  /** Values snakeyaml wrote, by string ({@link #NONE}: over several lines); a few distinct strings recur in a diff. */
  private static final Map<String, String> VALUES = new ConcurrentHashMap<>();
  private static final String NONE = new String("");
  private static final int MAX_VALUES = 10_000;

  private CanonicalYaml() {}

  /** The block YAML of {@code data}, as snakeyaml dumps it. */
  static String dump(Object data) {
    return fast(data).orElseGet(() -> new Dump(SETTINGS).dumpToString(data));
  }

  /** The same text written directly, or empty when {@code data} is outside what is written here. */
  static Optional<String> fast(Object data) {
    StringBuilder b = new StringBuilder(1024);
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    boolean ok;
    if (data instanceof Map<?, ?> m && !m.isEmpty()) {
      ok = map(b, m, 0, seen);
    } else if (data instanceof List<?> l && !l.isEmpty()) {
      ok = list(b, l, 0, seen);
    } else {
      ok = false; // a scalar or empty document gets an end marker in some cases: left to snakeyaml
    }
    return ok ? Optional.of(b.toString()) : Optional.empty();
  }

  // Keys from column `indent`; the first one continues the current line (after "- " or at the start).
  private static boolean map(StringBuilder b, Map<?, ?> m, int indent, IdentityHashMap<Object, Boolean> seen) {
    if (seen.put(m, Boolean.TRUE) != null) {
      return false;
    }
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String key) || key.length() > MAX_KEY) {
        return false;
      }
      if (!first) {
        pad(b, indent);
      }
      first = false;
      if (key.isEmpty() || !string(b, key, false)) { // an empty key is written as "? ''"
        return false;
      }
      b.append(':');
      Object v = e.getValue();
      if (v instanceof Map<?, ?> vm && !vm.isEmpty()) {
        b.append('\n');
        pad(b, indent + 2);
        if (!map(b, vm, indent + 2, seen)) {
          return false;
        }
      } else if (v instanceof List<?> vl && !vl.isEmpty()) {
        b.append('\n'); // sequences in a mapping are not indented
        pad(b, indent);
        if (!list(b, vl, indent, seen)) {
          return false;
        }
      } else {
        b.append(' ');
        if (!scalarOrEmpty(b, v, seen)) {
          return false;
        }
        b.append('\n');
      }
    }
    return true;
  }

  // Items at column `indent`; the first "- " continues the current line.
  private static boolean list(StringBuilder b, List<?> l, int indent, IdentityHashMap<Object, Boolean> seen) {
    if (seen.put(l, Boolean.TRUE) != null) {
      return false;
    }
    boolean first = true;
    for (Object v : l) {
      if (!first) {
        pad(b, indent);
      }
      first = false;
      b.append("- ");
      if (v instanceof Map<?, ?> vm && !vm.isEmpty()) {
        if (!map(b, vm, indent + 2, seen)) {
          return false;
        }
      } else if (v instanceof List<?> vl && !vl.isEmpty()) {
        if (!list(b, vl, indent + 2, seen)) {
          return false;
        }
      } else {
        if (!scalarOrEmpty(b, v, seen)) {
          return false;
        }
        b.append('\n');
      }
    }
    return true;
  }

  private static boolean scalarOrEmpty(StringBuilder b, Object v, IdentityHashMap<Object, Boolean> seen) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      return string(b, s, true);
    } else if (v instanceof Integer || v instanceof Long) {
      b.append(v);
    } else if (v instanceof Boolean bool) {
      b.append(bool ? "true" : "false");
    } else if (v instanceof Map<?, ?> m && m.isEmpty()) {
      if (seen.put(m, Boolean.TRUE) != null) {
        return false;
      }
      b.append("{}");
    } else if (v instanceof List<?> l && l.isEmpty()) {
      if (seen.put(l, Boolean.TRUE) != null) {
        return false;
      }
      b.append("[]");
    } else {
      return false;
    }
    return true;
  }

  /**
   * A string of letters, digits and {@code . _ / -} (first a letter, digit, {@code _} or {@code /}) and {@code :}
   * (not last) needs no quotes for the emitter's analysis; it is plain when the resolver reads it back as a
   * string, else single-quoted (nothing in it to escape). The empty string is {@code ''}. Other keys: not here;
   * other values: as snakeyaml writes them alone ({@link #value}).
   */
  private static boolean string(StringBuilder b, String s, boolean isValue) {
    if (s.isEmpty()) {
      b.append("''");
      return true;
    }
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
          || c == '/' || (i > 0 && (c == '.' || c == '-' || (c == ':' && i < n - 1)));
      if (!ok) {
        return isValue && value(b, s);
      }
    }
    if (RESOLVER.resolve(s, true).equals(Tag.STR)) {
      b.append(s);
    } else {
      b.append('\'').append(s).append('\'');
    }
    return true;
  }

  // The scalar snakeyaml writes for value s, when it fits on the line.
  private static boolean value(StringBuilder b, String s) {
    String text = VALUES.get(s);
    if (text == null) {
      String dumped = new Dump(SETTINGS).dumpToString(List.of(s));
      int end = dumped.length() - 1;
      boolean oneLine = dumped.startsWith("- ") && end >= 2 && dumped.charAt(end) == '\n'
          && dumped.indexOf('\n') == end && dumped.indexOf('\r') < 0;
      text = oneLine ? dumped.substring(2, end) : NONE;
      if (VALUES.size() < MAX_VALUES) {
        VALUES.put(s, text);
      }
    }
    if (text == NONE) {
      return false;
    }
    b.append(text);
    return true;
  }

  private static void pad(StringBuilder b, int n) {
    for (int i = 0; i < n; i++) {
      b.append(' ');
    }
  }
}
