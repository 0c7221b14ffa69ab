package io.capkit.renderer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded memo of a pure function, one per thread (no lock on the render workers' hot path): at most {@code
 * capacity} results per thread, the least recently used dropped first, so a fleet of any size keeps a fixed amount.
 */
final class ThreadMemo<K, V> {
  private final ThreadLocal<Map<K, V>> maps;

  ThreadMemo(int capacity) {
    maps = ThreadLocal.withInitial(() -> new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    });
  }

  /** {@code compute(key)}, remembered on this thread. */
  V get(K key, Function<K, V> compute) {
    Map<K, V> known = maps.get();
    V value = known.get(key);
    if (value == null) {
      value = compute.apply(key);
      known.put(key, value);
    }
    return value;
  }

  /** How many results this thread remembers (tests). */
  int size() {
    return maps.get().size();
  }
}
