package io.capkit.gitops.diff;

import io.capkit.api.source.SourceTree;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The files of another tree that a predicate keeps; the others do not exist. */
public final class SelectedTree implements SourceTree {
  private final SourceTree parent;
  private final Predicate<String> keep;
  private final List<String> files;

  public SelectedTree(SourceTree parent, Predicate<String> keep) {
    this.parent = parent;
    this.keep = keep;
    this.files = parent.files().stream().filter(keep).toList();
  }

  @Override
  public List<String> files() {
    return files;
  }

  @Override
  public Optional<byte[]> read(String path) {
    return keep.test(path) ? parent.read(path) : Optional.empty();
  }

  @Override
  public String describe() {
    return parent.describe();
  }
}
