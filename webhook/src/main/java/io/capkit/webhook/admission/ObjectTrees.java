package io.capkit.webhook.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/** Small reads on JSON object trees ({@code Map<String, Object>}) as admission requests carry them. */
final class ObjectTrees {
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private ObjectTrees() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> toTree(Object value) {
    return value == null ? null : MAPPER.convertValue(value, Map.class);
  }

  /** The map at a path, created when missing; null when something else than a map is in the way. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> mapAt(Map<String, Object> tree, String... keys) {
    Map<String, Object> cur = tree;
    for (String k : keys) {
      Object next = cur.get(k);
      if (next == null) {
        next = new java.util.LinkedHashMap<String, Object>();
        cur.put(k, next);
      }
      if (!(next instanceof Map<?, ?>)) {
        return null;
      }
      cur = (Map<String, Object>) next;
    }
    return cur;
  }
}
