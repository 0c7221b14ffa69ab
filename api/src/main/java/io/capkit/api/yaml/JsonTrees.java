package io.capkit.api.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * JSON trees for the rules that validate with JSON Schema or compare JSON forms: the one {@link ObjectMapper} they
 * share, made on first use, and {@link #of}, which builds the tree of plain values without it. A short run (one
 * file validated) then never starts Jackson's data binding or a parser: the mapper's class initialisation alone
 * (its default date format's locale data) and the first parser's (BigDecimal's constants) were a fifth of it.
 */
public final class JsonTrees {
  private JsonTrees() {}

  private static final class Shared {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** The shared mapper with Jackson's defaults, for what {@link #of} does not build itself. */
  public static ObjectMapper mapper() {
    return Shared.MAPPER;
  }

  /**
   * {@code value} as a JSON tree, equal to {@code mapper().valueToTree(value)}: maps with string keys, lists,
   * strings, booleans, null and whole numbers are built directly (int, long and BigInteger nodes as Jackson picks
   * them), anything else through the mapper.
   */
  public static JsonNode of(Object value) {
    JsonNode node = plain(value);
    return node != null ? node : mapper().valueToTree(value);
  }

  /**
   * A string node that prints itself as Jackson's mapper prints it, without starting the mapper: networknt's enum
   * keyword prints its values when the contract's schema compiles, which alone made a one-file validate start
   * Jackson's data binding (its mapper, serializers and ~470 classes). Equal to a TextNode of the same value.
   */
  static final class Text extends TextNode {
    Text(String value) {
      super(value);
    }

    @Override
    public String toString() {
      String v = textValue();
      StringBuilder b = new StringBuilder(v.length() + 2).append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\b' -> b.append("\\b");
          case '\t' -> b.append("\\t");
          case '\n' -> b.append("\\n");
          case '\f' -> b.append("\\f");
          case '\r' -> b.append("\\r");
          default -> {
            if (c < 0x20) {
              b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
              b.append(c);
            }
          }
        }
      }
      return b.append('"').toString();
    }
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private static JsonNode plain(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null) {
      return f.nullNode();
    }
    if (value instanceof String s) {
      return new Text(s);
    }
    if (value instanceof Integer i) {
      return f.numberNode(i.intValue());
    }
    if (value instanceof Long l) {
      return f.numberNode(l.longValue());
    }
    if (value instanceof Boolean b) {
      return f.booleanNode(b);
    }
    if (value instanceof BigInteger b) {
      return f.numberNode(b);
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode out = f.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        JsonNode child = e.getKey() instanceof String ? plain(e.getValue()) : null;
        if (child == null) {
          return null;
        }
        out.set((String) e.getKey(), child);
      }
      return out;
    }
    if (value instanceof List<?> list) {
      ArrayNode out = f.arrayNode(list.size());
      for (Object v : list) {
        JsonNode child = plain(v);
        if (child == null) {
          return null;
        }
        out.add(child);
      }
      return out;
    }
    return null;
  }
}
