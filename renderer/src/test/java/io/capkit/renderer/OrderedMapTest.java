package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** OrderedMap against LinkedHashMap: the same operations give the same contents, order and answers. */
class OrderedMapTest {
  @Test
  void behavesAsALinkedHashMap() {
    Random random = new Random(18);
    for (int round = 0; round < 500; round++) {
      Map<String, Object> expected = new LinkedHashMap<>();
      Map<String, Object> actual = OrderedMap.of();
      for (int op = 0; op < 40; op++) {
        String key = "k" + random.nextInt(12);
        Object value = random.nextInt(5) == 0 ? null : random.nextInt(100);
        switch (random.nextInt(6)) {
          case 0, 1, 2 -> assertEquals(expected.put(key, value), actual.put(key, value));
          case 3 -> assertEquals(expected.remove(key), actual.remove(key));
          case 4 -> {
            Iterator<Map.Entry<String, Object>> e = expected.entrySet().iterator();
            Iterator<Map.Entry<String, Object>> a = actual.entrySet().iterator();
            while (e.hasNext()) {
              Map.Entry<String, Object> ee = e.next();
              Map.Entry<String, Object> ae = a.next();
              assertEquals(ee, ae);
              if (ee.getKey().equals(key)) {
                e.remove();
                a.remove();
              }
            }
          }
          default -> {
            assertEquals(expected.get(key), actual.get(key));
            assertEquals(expected.containsKey(key), actual.containsKey(key));
          }
        }
        assertEquals(expected, actual);
        assertEquals(actual, expected);
        assertEquals(expected.hashCode(), actual.hashCode());
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
        List<Object> visited = new ArrayList<>();
        actual.forEach((k, v) -> visited.add(k + "=" + v));
        assertEquals(expected.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).toList(), visited);
        assertEquals(expected.toString(), actual.toString());
      }
    }
  }

  @Test
  void ofLeavesOutNullValuesAndKeepsOrder() {
    Map<String, Object> m = OrderedMap.of("b", 1, "a", null, "c", "x");
    assertEquals(List.of("b", "c"), new ArrayList<>(m.keySet()));
    m.put("b", 2);
    assertEquals("{b=2, c=x}", m.toString());
    assertThrows(IllegalArgumentException.class, () -> OrderedMap.of("odd"));
    assertThrows(java.util.ConcurrentModificationException.class, () -> m.forEach((k, v) -> m.put(k + "!", v)));
  }
}
