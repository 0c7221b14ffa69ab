package io.capkit.api.source;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link SourceTree} held in memory: for tests, benchmarks, and trees assembled from Git objects. */
public final class MemoryTree implements SourceTree {
  private final TreeMap<String, byte[]> files;
  private final String name;

  public MemoryTree(String name, Map<String, byte[]> files) {
    this.name = name;
    this.files = new TreeMap<>(files);
  }

  /** A tree of UTF-8 text files. */
  public static MemoryTree ofText(String name, Map<String, String> files) {
    TreeMap<String, byte[]> bytes = new TreeMap<>();
    files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return new MemoryTree(name, bytes);
  }

  @Override
  public List<String> files() {
    return List.copyOf(files.keySet());
  }

  @Override
  public Optional<byte[]> read(String path) {
    byte[] b = files.get(path);
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  @Override
  public String describe() {
    return name;
  }
}
