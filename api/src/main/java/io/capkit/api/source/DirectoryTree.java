package io.capkit.api.source;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A folder on disk as a {@link SourceTree}: the file-system edge of the renderer. Lists regular files sorted
 * by path, skips hidden entries ({@code .git}, {@code .github}, dot-files), and refuses symbolic links and
 * anything that is neither a regular file nor a folder, so nothing outside the root is ever read.
 */
public final class DirectoryTree implements SourceTree {
  private final Path root;
  private final List<String> files;
  // read() looks paths up once per file: a list would make reading a large fleet quadratic.
  private final java.util.Set<String> listed;

  private DirectoryTree(Path root, List<String> files) {
    this.root = root;
    this.files = List.copyOf(files);
    this.listed = new java.util.HashSet<>(files);
  }

  /** Scans {@code root}; throws {@link InvalidInputException} naming every link or special file found. */
  public static DirectoryTree open(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    if (Files.isSymbolicLink(abs)) {
      throw new InvalidInputException(new Problem(root.toString(), null,
          "is a symbolic link; pass the folder it points to"));
    }
    if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException(new Problem(root.toString(), null, "is not a folder"));
    }
    List<String> found = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    // Every path of the walk is abs.resolve(...): its name relative to abs (what abs.relativize spells) is its string
    // past abs's and a separator, taken without a relativized Path and a file-name Path per entry (every validate
    // lists the upstream CRD cache, ~70 entries, interpreted code).
    String sep = abs.getFileSystem().getSeparator();
    String top = abs.toString();
    int cut = top.endsWith(sep) ? top.length() : top.length() + sep.length();
    try {
      Files.walkFileTree(abs, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return !dir.equals(abs) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          String rel = relative(file);
          if (rel.startsWith(".", rel.lastIndexOf('/') + 1)) { // hidden: its file name starts with a dot
            return FileVisitResult.CONTINUE;
          }
          if (attrs.isSymbolicLink()) {
            problems.add(new Problem(rel, null, "is a symbolic link; links could point outside "
                + abs.getFileName() + ", copy the file instead"));
          } else if (attrs.isRegularFile()) {
            found.add(rel);
          } else {
            problems.add(new Problem(rel, null, "is not a regular file"));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          problems.add(new Problem(relative(file), null, "cannot be read: " + e.getClass().getSimpleName()));
          return FileVisitResult.CONTINUE;
        }

        private String relative(Path file) {
          String path = file.toString();
          String rel = path.length() < cut ? "" : path.substring(cut); // "": abs itself (it could not be read)
          return sep.equals("/") ? rel : rel.replace(sep, "/");
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    InvalidInputException.throwIfAny(problems);
    found.sort(null);
    return new DirectoryTree(abs, found);
  }

  private static boolean hidden(Path p) {
    return p.getFileName() != null && p.getFileName().toString().startsWith(".");
  }

  @Override
  public List<String> files() {
    return files;
  }

  @Override
  public Optional<byte[]> read(String path) {
    if (!listed.contains(path)) {
      return Optional.empty();
    }
    Path file = root.resolve(path).normalize();
    // The listing was checked, but a file may have been swapped for a link since: check again before reading.
    if (!file.startsWith(root) || Files.isSymbolicLink(file)) {
      throw new InvalidInputException(new Problem(path, null, "escapes " + root.getFileName()
          + " (symbolic link or path outside the folder)"));
    }
    return Optional.of(readFile(file, path));
  }

  /**
   * The bytes of a regular file, at most {@link YamlDocuments#MAX_CHARS}: the size is checked before reading, and the
   * read stops past the limit should the file grow meanwhile, so a huge file is never read whole. Links are refused.
   */
  public static byte[] readFile(Path file, String label) {
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        throw new InvalidInputException(new Problem(label, null, "is not a regular file (links are not followed)"));
      }
      if (attrs.size() > YamlDocuments.MAX_CHARS) {
        throw tooLarge(label, attrs.size());
      }
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        byte[] bytes = in.readNBytes(YamlDocuments.MAX_CHARS + 1);
        if (bytes.length > YamlDocuments.MAX_CHARS) {
          throw new InvalidInputException(new Problem(label, null,
              "file grew past the limit of " + YamlDocuments.MAX_CHARS + " bytes while being read"));
        }
        return bytes;
      }
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(label, null, "cannot be read: " + e.getClass().getSimpleName()));
    }
  }

  private static InvalidInputException tooLarge(String label, long size) {
    return new InvalidInputException(new Problem(label, null, "file is " + size + " bytes, over the limit of "
        + YamlDocuments.MAX_CHARS + "; not read"));
  }

  @Override
  public String describe() {
    return root.toString();
  }
}
