package io.capkit.cli;

import io.capkit.api.source.SourceTree;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A source tree that remembers the digest of each file the renderer read, so that a render's record names exactly the
 * bytes its output was made from. Files other than cluster files are few and read more than once (a defaults file per
 * organization, the releases): their bytes are kept, so every read returns the same bytes.
 */
final class RecordingTree implements SourceTree {
  private final SourceTree tree;
  private final Map<String, String> digests = new ConcurrentHashMap<>();
  private final Map<String, byte[]> shared = new ConcurrentHashMap<>();
  private final boolean fleet;

  RecordingTree(SourceTree tree, boolean fleet) {
    this.tree = tree;
    this.fleet = fleet;
  }

  @Override
  public List<String> files() {
    return tree.files();
  }

  @Override
  public Optional<byte[]> read(String path) {
    if (fleet && IncrementalRender.isClusterFile(path)) {
      Optional<byte[]> bytes = tree.read(path);
      bytes.ifPresent(b -> digests.put(path, InputScan.digest(b)));
      return bytes;
    }
    return Optional.ofNullable(shared.computeIfAbsent(path, p -> {
      byte[] b = tree.read(p).orElse(null);
      if (b != null) {
        digests.put(p, InputScan.digest(b));
      }
      return b;
    }));
  }

  /** The digest of {@code path} as read, or {@link RenderRecord#UNREAD} when the renderer never read it. */
  String digest(String path) {
    return digests.getOrDefault(path, RenderRecord.UNREAD);
  }

  @Override
  public String describe() {
    return tree.describe();
  }
}
