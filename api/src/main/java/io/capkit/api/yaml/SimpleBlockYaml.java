package io.capkit.api.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * A fast path for the small files of a fleet: a document that is nothing but nested block mappings of simple plain
 * scalars ({@code key: value}, {@code key:} with a more indented mapping below, comment and blank lines) is split
 * into nodes here, line by line, and those nodes go through snakeyaml-engine's own scalar resolver and constructor
 * with the settings of {@link YamlDocuments}: the same values, types and duplicate-key rule as the full reader. Any
 * other input (a list, a quoted or multi-line scalar, a flow collection, a tag, an anchor, a tab, a document marker,
 * non-ASCII text, anything unusual) and any error is not handled here: {@link #load} returns {@code null} and the
 * caller reads the text with the full reader, which gives every message. Never a second set of YAML rules: this only
 * decides where a line's key and value are.
 */
final class SimpleBlockYaml {
  /** Larger files go to the full reader (the fast path is for the many small files of a fleet). */
  static final int MAX_CHARS = 64 * 1024;

  private static final LoadSettings SETTINGS = YamlDocuments.settings("fast path");
  private static final ScalarResolver RESOLVER = SETTINGS.getSchema().getScalarResolver();
  private static final ThreadLocal<StandardConstructor> CONSTRUCTOR =
      ThreadLocal.withInitial(() -> new StandardConstructor(SETTINGS));

  private SimpleBlockYaml() {}

  /** The one mapping document in {@code text}, or null when the text is outside the subset or anything fails. */
  static Map<String, Object> load(String text) {
    if (text.length() > MAX_CHARS) {
      return null;
    }
    try {
      MappingNode root = parse(text);
      if (root == null) {
        return null;
      }
      Object doc = CONSTRUCTOR.get().constructSingleDocument(Optional.of(root));
      if (!(doc instanceof Map<?, ?> m)) {
        return null;
      }
      for (Object k : m.keySet()) {
        if (!(k instanceof String)) {
          return null;
        }
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) m;
      return map;
    } catch (RuntimeException e) {
      // Duplicate keys and the like: the full reader reports them. A constructor that failed midway is not reused.
      CONSTRUCTOR.remove();
      return null;
    }
  }

  private record Open(int indent, List<NodeTuple> tuples) {}

  // The node tree, or null outside the subset.
  private static MappingNode parse(String text) {
    List<Open> stack = new ArrayList<>();
    MappingNode root = null;
    // A key whose value is on the following lines: its indent, or -1.
    int pendingIndent = -1;
    String pendingKey = null;
    int n = text.length();
    int pos = 0;
    while (pos < n) {
      int end = text.indexOf('\n', pos);
      if (end < 0) {
        end = n;
      }
      int start = pos;
      pos = end + 1;
      int indent = 0;
      while (start + indent < end && text.charAt(start + indent) == ' ') {
        indent++;
      }
      int at = start + indent;
      if (at == end) {
        continue;
      }
      if (text.charAt(at) == '#') {
        if (!comment(text, at, end)) {
          return null;
        }
        continue;
      }
      // The key: a simple word, then ':' and a space or the end of the line.
      int keyEnd = at;
      while (keyEnd < end && keyChar(text.charAt(keyEnd))) {
        keyEnd++;
      }
      if (keyEnd == at || !keyStart(text.charAt(at)) || keyEnd == end || text.charAt(keyEnd) != ':'
          || (keyEnd + 1 < end && text.charAt(keyEnd + 1) != ' ')) {
        return null;
      }
      String key = text.substring(at, keyEnd);
      // Where this line's mapping is: a deeper line opens the pending key's mapping, others close mappings.
      if (pendingKey != null) {
        if (indent > pendingIndent) {
          Open open = new Open(indent, new ArrayList<>());
          stack.get(stack.size() - 1).tuples.add(new NodeTuple(scalar(pendingKey),
              new MappingNode(Tag.MAP, open.tuples, FlowStyle.BLOCK)));
          stack.add(open);
        } else {
          stack.get(stack.size() - 1).tuples.add(new NodeTuple(scalar(pendingKey), scalar("")));
        }
        pendingKey = null;
      }
      if (stack.isEmpty()) {
        if (root != null || indent != 0) {
          return null;
        }
        Open open = new Open(0, new ArrayList<>());
        root = new MappingNode(Tag.MAP, open.tuples, FlowStyle.BLOCK);
        stack.add(open);
      }
      while (indent < stack.get(stack.size() - 1).indent) {
        stack.remove(stack.size() - 1);
        if (stack.isEmpty()) {
          return null;
        }
      }
      if (indent != stack.get(stack.size() - 1).indent || stack.size() > YamlDocuments.MAX_DEPTH) {
        return null;
      }
      // The value: nothing (a mapping or null follows), or a simple plain scalar, maybe with a comment after it.
      int v = keyEnd + 1;
      while (v < end && text.charAt(v) == ' ') {
        v++;
      }
      if (v == end || text.charAt(v) == '#') {
        if (v < end && !comment(text, v, end)) {
          return null;
        }
        pendingKey = key;
        pendingIndent = indent;
        continue;
      }
      int valueEnd = plainScalarEnd(text, v, end);
      if (valueEnd < 0) {
        return null;
      }
      stack.get(stack.size() - 1).tuples.add(new NodeTuple(scalar(key), scalar(text.substring(v, valueEnd))));
    }
    if (pendingKey != null) {
      stack.get(stack.size() - 1).tuples.add(new NodeTuple(scalar(pendingKey), scalar("")));
    }
    return root;
  }

  // A plain scalar as the composer makes it: tag from the schema's resolver, as for an untagged plain scalar.
  private static Node scalar(String value) {
    return new ScalarNode(RESOLVER.resolve(value, true), true, value, ScalarStyle.PLAIN, Optional.empty(),
        Optional.empty());
  }

  // A comment runs to the end of the line; only printable ASCII is taken here.
  private static boolean comment(String text, int from, int end) {
    for (int i = from; i < end; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static boolean keyStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean keyChar(char c) {
    return keyStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '/';
  }

  private static boolean valueChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
        || c == '/' || c == '-' || c == '+';
  }

  /**
   * The end of a plain scalar starting at {@code from} (trailing spaces and a comment after it dropped), or -1 when
   * the rest of the line is not one: it starts with a letter, digit, '_', '.', '/', or '-' before a letter or digit,
   * and holds only those, '+' and single spaces between words.
   */
  private static int plainScalarEnd(String text, int from, int end) {
    char first = text.charAt(from);
    if (!valueChar(first) || first == '+' || (first == '-' && (from + 1 >= end || !valueChar(text.charAt(from + 1))
        || text.charAt(from + 1) == '-'))) {
      return -1;
    }
    int last = from;
    for (int i = from; i < end; i++) {
      char c = text.charAt(i);
      if (valueChar(c)) {
        last = i;
      } else if (c == ' ') {
        if (i + 1 < end && text.charAt(i + 1) == '#') {
          return comment(text, i + 1, end) ? last + 1 : -1;
        }
        if (i + 1 < end && text.charAt(i + 1) == ' ') {
          // Several spaces: only trailing ones (or before a comment) are taken here.
          int j = i;
          while (j < end && text.charAt(j) == ' ') {
            j++;
          }
          if (j == end) {
            return last + 1;
          }
          if (text.charAt(j) == '#') {
            return comment(text, j, end) ? last + 1 : -1;
          }
          return -1;
        }
      } else {
        return -1;
      }
    }
    return last + 1;
  }
}
