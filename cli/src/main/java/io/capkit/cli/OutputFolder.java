package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.renderer.OutputLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The render output folder on disk: the CLI's only file writes. Every rendering is written whole into a new
 * folder of its own beside the output ({@code .NAME.capkit-new-…}): a file that did not change is hard-linked from the
 * current output (same inode, nothing rewritten), the others are written. Only when all of it is on disk is the
 * output swapped for it by two renames, so a failure at any step leaves the previous output whole. One render at a
 * time writes an output: a second is refused while the first holds the lock file {@code .NAME.capkit-lock}. Only
 * folders that capkit itself wrote are ever replaced.
 */
final class OutputFolder {
  /** Writes one file of a new rendering; the seam tests use to fail a write midway. */
  interface FileWriter {
    void write(Path file, byte[] bytes) throws IOException;
  }

  private final Path out;
  private final FileWriter writer;

  OutputFolder(Path out) {
    this(out, (file, bytes) -> Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
  }

  OutputFolder(Path out, FileWriter writer) {
    this.out = out.toAbsolutePath().normalize();
    this.writer = writer;
  }

  /**
   * Makes the folder hold exactly {@code files}, or, on any failure, leaves it as it was. Throws
   * {@link InvalidInputException} when another render is writing the same folder or the folder cannot be written.
   */
  void replace(SortedMap<String, byte[]> files) {
    checkReplaceable();
    Path parent = out.getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw cannotWrite(e);
    }
    try (OutputLock lock = OutputLock.acquire(parent.resolve("." + out.getFileName() + ".capkit-lock"), out)) {
      checkReplaceable();
      removeLeftovers(parent);
      Path fresh = Files.createTempDirectory(parent, prefix() + "new-");
      try {
        Map<String, Long> onDisk = Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS) ? sizes() : Map.of();
        write(fresh, files, onDisk);
        swap(parent, fresh);
      } finally {
        deleteTree(fresh);
      }
    } catch (IOException | UncheckedIOException e) {
      throw cannotWrite(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
    }
  }

  private String prefix() {
    return "." + out.getFileName() + ".capkit-";
  }

  private InvalidInputException cannotWrite(IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new InvalidInputException(new Problem(out.toString(), null,
        "cannot be written (" + why + "); the previous output is unchanged"));
  }

  /** The folders of a render that stopped before cleaning up (killed): only a lock holder may remove them. */
  private void removeLeftovers(Path parent) throws IOException {
    try (Stream<Path> s = Files.list(parent)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix() + "new-")
          || p.getFileName().toString().startsWith(prefix() + "old-")).toList()) {
        deleteTree(p);
      }
    }
  }

  private void write(Path fresh, SortedMap<String, byte[]> files, Map<String, Long> onDisk) throws IOException {
    createFolders(fresh, files.keySet());
    // Files are independent: write them on every core.
    files.entrySet().parallelStream().forEach(e -> {
      try {
        Path target = fresh.resolve(e.getKey());
        Path current = out.resolve(e.getKey());
        Long size = onDisk.get(e.getKey());
        if (size != null && size == e.getValue().length
            && Arrays.equals(Files.readAllBytes(current), e.getValue()) && link(target, current)) {
          return;
        }
        writer.write(target, e.getValue());
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
    });
  }

  // A file system without hard links gets a copy instead.
  private static boolean link(Path target, Path current) {
    try {
      Files.createLink(target, current);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** The new tree in place of the old: two renames; when the second fails the first is undone. */
  private void swap(Path parent, Path fresh) throws IOException {
    if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      move(fresh, out);
      return;
    }
    Path old = parent.resolve(prefix() + "old-" + fresh.getFileName().toString().substring(prefix().length() + 4));
    move(out, old);
    try {
      move(fresh, out);
    } catch (IOException e) {
      move(old, out);
      throw e;
    }
    deleteTree(old);
  }

  // Each folder once, parents before children (sorted paths list a parent before its children).
  private static void createFolders(Path root, java.util.Collection<String> paths) throws IOException {
    java.util.Set<String> made = new java.util.HashSet<>();
    for (String path : paths) {
      int slash = path.lastIndexOf('/');
      if (slash > 0 && made.add(path.substring(0, slash))) {
        Files.createDirectories(root.resolve(path.substring(0, slash)));
      }
    }
  }

  // Every file (path → size) and folder (path + "/" → -1) below the folder, from one walk.
  private Map<String, Long> sizes() throws IOException {
    Map<String, Long> found = new java.util.HashMap<>();
    Files.walkFileTree(out, new java.nio.file.SimpleFileVisitor<>() {
      @Override
      public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes a) {
        if (!dir.equals(out)) {
          found.put(relative(dir) + "/", -1L);
        }
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) {
        found.put(relative(file), a.isRegularFile() ? a.size() : -1L);
        return java.nio.file.FileVisitResult.CONTINUE;
      }
    });
    return found;
  }

  private String relative(Path p) {
    return out.relativize(p).toString().replace('\\', '/');
  }

  /** Problems that make the folder differ from {@code files}: stale, missing and extra files. */
  List<Problem> differences(SortedMap<String, byte[]> files) {
    SortedMap<String, byte[]> onDisk = read();
    List<Problem> problems = new ArrayList<>();
    files.forEach((path, bytes) -> {
      byte[] have = onDisk.get(path);
      if (have == null) {
        problems.add(new Problem(out.resolve(path).toString(), null, "missing"));
      } else if (!Arrays.equals(have, bytes)) {
        problems.add(new Problem(out.resolve(path).toString(), null, "stale (differs from a fresh rendering)"));
      }
    });
    // The record of the last render is not output: a fresh rendering is compared with the manifests only.
    onDisk.remove(RenderRecord.FILE);
    onDisk.keySet().stream().filter(p -> !files.containsKey(p))
        .forEach(p -> problems.add(new Problem(out.resolve(p).toString(), null, "extra (not produced by the rendering)")));
    problems.sort(null);
    return problems;
  }

  private SortedMap<String, byte[]> read() {
    SortedMap<String, byte[]> files = new TreeMap<>();
    if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
      return files;
    }
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        files.put(out.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + out, e);
    }
    return files;
  }

  private void checkReplaceable() {
    if (Files.isSymbolicLink(out)) {
      throw new InvalidInputException(new Problem(out.toString(), null, "is a symbolic link; pass a real folder as --out"));
    }
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new InvalidInputException(new Problem(out.toString(), null, "exists and is not a folder"));
    }
    try (Stream<Path> entries = Files.list(out)) {
      if (entries.findAny().isEmpty()) {
        return;
      }
      Path marker = out.resolve(OutputLayout.KUSTOMIZATION);
      if (Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)
          && Files.readString(marker, StandardCharsets.UTF_8).startsWith(OutputLayout.HEADER)) {
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + out, e);
    }
    throw new InvalidInputException(new Problem(out.toString(), null,
        "exists and was not written by capkit render; refusing to replace it"));
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
