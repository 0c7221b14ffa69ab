package io.capkit.gitops.git;

import io.capkit.api.source.SourceTree;
import java.util.List;
import java.util.Optional;

/** The files under one folder of another tree, with that folder's prefix removed. */
public final class SubTree implements SourceTree {
  private final SourceTree parent;
  private final String prefix;
  private final List<String> files;

  /** {@code folder} is a relative, '/'-separated path; empty means the whole tree. */
  public SubTree(SourceTree parent, String folder) {
    this.parent = parent;
    this.prefix = prefixOf(folder);
    this.files = parent.files().stream().filter(p -> p.startsWith(prefix))
        .map(p -> p.substring(prefix.length())).toList();
  }

  @Override
  public List<String> files() {
    return files;
  }

  @Override
  public Optional<byte[]> read(String path) {
    return parent.read(prefix + path);
  }

  /** {@code folder} normalised, with a trailing '/'; empty for the whole tree. */
  public static String prefixOf(String folder) {
    String f = folder == null ? "" : folder.strip();
    while (f.endsWith("/")) {
      f = f.substring(0, f.length() - 1);
    }
    while (f.startsWith("./")) {
      f = f.substring(2);
    }
    return f.isEmpty() || f.equals(".") ? "" : f + "/";
  }

  /** The folder with a trailing '/', or empty for the whole tree. */
  public String prefix() {
    return prefix;
  }

  /** The paths of {@code parentPaths} that lie in this folder, with its prefix removed. */
  public java.util.SortedSet<String> inside(java.util.Collection<String> parentPaths) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (String p : parentPaths) {
      if (p.startsWith(prefix)) {
        out.add(p.substring(prefix.length()));
      }
    }
    return out;
  }

  @Override
  public String describe() {
    return prefix.isEmpty() ? parent.describe() : parent.describe() + ":" + prefix;
  }
}
