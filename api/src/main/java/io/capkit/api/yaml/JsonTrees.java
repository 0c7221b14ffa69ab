package io.capkit.api.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  private static JsonNode plain(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null) {
      return f.nullNode();
    }
    if (value instanceof String s) {
      return f.textNode(s);
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
