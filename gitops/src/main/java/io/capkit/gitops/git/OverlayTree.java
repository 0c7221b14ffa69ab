package io.capkit.gitops.git;

import io.capkit.api.source.SourceTree;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** A tree with some existing files' contents replaced in memory: what a commit would hold, before it exists. */
public final class OverlayTree implements SourceTree {
  private final SourceTree base;
  private final SortedMap<String, byte[]> replaced;

  public OverlayTree(SourceTree base, Map<String, byte[]> replaced) {
    this.base = base;
    this.replaced = new TreeMap<>(replaced);
    if (!new java.util.HashSet<>(base.files()).containsAll(replaced.keySet())) {
      throw new IllegalArgumentException("an overlay only replaces files that exist");
    }
  }

  @Override
  public List<String> files() {
    return base.files();
  }

  @Override
  public Optional<byte[]> read(String path) {
    byte[] b = replaced.get(path);
    return b != null ? Optional.of(b.clone()) : base.read(path);
  }

  @Override
  public String describe() {
    return base.describe() + " (with " + replaced.size() + " edited file(s))";
  }
}
