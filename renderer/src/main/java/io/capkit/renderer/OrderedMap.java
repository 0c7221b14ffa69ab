package io.capkit.renderer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the insertion-ordered maps rendered objects are made of; null values are left out. */
public final class OrderedMap {
  private OrderedMap() {}

  public static Map<String, Object> of(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must come in pairs");
    }
    Map<String, Object> m = new LinkedHashMap<>(Math.max(4, keysAndValues.length));
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        m.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return m;
  }
}
