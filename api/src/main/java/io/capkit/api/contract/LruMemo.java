package io.capkit.api.contract;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded memo of a pure function: at most {@code capacity} results, the least recently used evicted first, so a
 * long-running webhook that sees arbitrary values keeps remembering its recent ones. Thread-safe (one lock; a
 * lookup is a hash probe, and the function runs outside the lock).
 */
final class LruMemo<K, V> {
  private final int capacity;
  private final LinkedHashMap<K, V> entries;

  LruMemo(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > LruMemo.this.capacity;
      }
    };
  }

  /** The remembered result for {@code key}, else {@code compute}'s, remembered. */
  V get(K key, Function<K, V> compute) {
    synchronized (entries) {
      V found = entries.get(key);
      if (found != null) {
        return found;
      }
    }
    V value = compute.apply(key);
    synchronized (entries) {
      entries.put(key, value);
    }
    return value;
  }

  /** The remembered result for {@code key}, or null. */
  V find(K key) {
    synchronized (entries) {
      return entries.get(key);
    }
  }

  void put(K key, V value) {
    synchronized (entries) {
      entries.put(key, value);
    }
  }

  boolean remembers(K key) {
    synchronized (entries) {
      return entries.containsKey(key);
    }
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
