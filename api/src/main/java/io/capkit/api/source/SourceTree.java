package io.capkit.api.source;

import java.util.List;
import java.util.Optional;

/**
 * A read-only tree of files: a folder on disk, a Git commit, or memory. The renderer reads fleets and
 * releases only through this, so rendering a commit and rendering its checkout give the same bytes.
 * Paths are relative, '/'-separated, normalised (no '.', '..', or leading '/').
 */
public interface SourceTree {
  /** Every regular file in the tree, sorted by path (byte order), so callers never see file-system order. */
  List<String> files();

  /** The content of a file, or empty when it does not exist. */
  Optional<byte[]> read(String path);

  /** Where this tree comes from, for messages: a folder, {@code git:URL@REF}, … */
  String describe();
}
