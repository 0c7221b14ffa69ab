package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The memo key of a resolution compares and hashes as the record's generated methods would (component by component,
 * {@code 31 * h(layers) + h(derived)}): a copy of the same values finds the remembered resolution, other values do not.
 */
class ResolvedVariablesKeyTest {
  /** The record the key stands for, with the generated methods. */
  private record Generated(List<Map<String, Object>> layers, Map<String, Object> derived) {}

  @Test
  void equalAndHashedAsTheGeneratedRecordMethodsOnRandomValues() {
    Random random = new Random(18);
    List<ResolvedVariables.Key> keys = new ArrayList<>();
    List<Generated> generated = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      List<Map<String, Object>> layers = new ArrayList<>();
      for (int l = random.nextInt(3); l > 0; l--) {
        layers.add(values(random));
      }
      Map<String, Object> derived = random.nextInt(10) == 0 ? null : values(random);
      List<Map<String, Object>> layersOrNull = random.nextInt(10) == 0 ? null : layers;
      keys.add(new ResolvedVariables.Key(layersOrNull, derived));
      generated.add(new Generated(layersOrNull, derived));
    }
    for (int i = 0; i < keys.size(); i++) {
      ResolvedVariables.Key a = keys.get(i);
      assertEquals(generated.get(i).hashCode(), a.hashCode());
      ResolvedVariables.Key copy = new ResolvedVariables.Key(copy(a.layers()),
          a.derived() == null ? null : new LinkedHashMap<>(a.derived()));
      assertEquals(a, copy, "equal values, other instances");
      assertEquals(a.hashCode(), copy.hashCode());
      assertFalse(a.equals(null));
      assertFalse(a.equals(generated.get(i)), "another type");
      for (int j = 0; j < keys.size(); j++) {
        assertEquals(generated.get(i).equals(generated.get(j)), a.equals(keys.get(j)), i + " vs " + j);
      }
    }
    Map<String, Object> one = Map.of("NAMESPACE", "a");
    ResolvedVariables.Key k = new ResolvedVariables.Key(List.of(one), Map.of());
    assertNotEquals(k, new ResolvedVariables.Key(List.of(Map.of("NAMESPACE", "b")), Map.of()));
    assertNotEquals(k, new ResolvedVariables.Key(List.of(one), one));
    assertTrue(k.equals(k));
  }

  private static Map<String, Object> values(Random random) {
    Map<String, Object> m = new HashMap<>();
    for (int n = random.nextInt(3); n > 0; n--) {
      m.put("V" + random.nextInt(3), random.nextBoolean() ? (Object) random.nextInt(3) : "x" + random.nextInt(2));
    }
    return m;
  }

  private static List<Map<String, Object>> copy(List<Map<String, Object>> layers) {
    if (layers == null) {
      return null;
    }
    List<Map<String, Object>> out = new ArrayList<>();
    layers.forEach(l -> out.add(new HashMap<>(l)));
    return out;
  }
}
