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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The render output folder on disk: the CLI's only file writes. A new rendering is written to a temporary
 * folder beside it and renamed into place, so readers see the old or the new tree, never a half-written one;
 * only folders that capkit itself wrote are ever replaced.
 */
final class OutputFolder {
  private final Path out;

  OutputFolder(Path out) {
    this.out = out.toAbsolutePath().normalize();
  }

  /**
   * Makes the folder hold exactly {@code files}. A missing or empty folder is written beside it and renamed
   * into place; an existing one is updated file by file: unchanged files are left alone, a changed or new file
   * is written to a temporary file in its folder and renamed over the old one, extra files are deleted.
   */
  void replace(SortedMap<String, byte[]> files) {
    checkReplaceable();
    try {
      if (isEmptyOrMissing()) {
        writeFresh(files);
      } else {
        update(files);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("cannot write " + out, e.getCause());
    }
  }

  private boolean isEmptyOrMissing() throws IOException {
    if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(out)) {
      return entries.findAny().isEmpty();
    }
  }

  private void writeFresh(SortedMap<String, byte[]> files) throws IOException {
    Path parent = out.getParent();
    Path fresh = parent.resolve("." + out.getFileName() + ".capkit-new");
    Files.createDirectories(parent);
    deleteTree(fresh);
    Files.createDirectories(fresh);
    createFolders(fresh, files.keySet());
    // Files are independent: write them on every core.
    files.entrySet().parallelStream().forEach(e -> {
      try {
        Files.write(fresh.resolve(e.getKey()), e.getValue());
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
    });
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(out);
    }
    move(fresh, out);
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

  private void update(SortedMap<String, byte[]> files) throws IOException {
    Map<String, Long> onDisk = sizes();
    java.util.Set<String> wanted = new java.util.HashSet<>(files.keySet());
    java.util.Set<String> folders = new java.util.HashSet<>();
    for (var e : List.copyOf(onDisk.entrySet())) {
      String path = e.getKey();
      if (!onDisk.containsKey(path)) {
        continue;
      }
      if (path.endsWith("/")) {
        String folder = path.substring(0, path.length() - 1);
        if (wanted.contains(folder)) {
          // A folder where a file goes: it goes, with everything in it.
          deleteTree(out.resolve(folder));
          onDisk.keySet().removeIf(k -> k.startsWith(path));
          folders.removeIf(k -> k.startsWith(path));
        } else {
          folders.add(folder);
        }
      } else if (e.getValue() < 0 || !wanted.contains(path)) {
        // Links and other non-files are never written through; files where nothing goes are extra.
        Files.delete(out.resolve(path));
        onDisk.remove(path);
      }
    }
    List<String> missingFolders = new ArrayList<>();
    for (String path : files.keySet()) {
      int slash = path.lastIndexOf('/');
      if (slash > 0 && !folders.contains(path.substring(0, slash)) && folders.add(path.substring(0, slash))) {
        missingFolders.add(path.substring(0, slash));
      }
    }
    for (String folder : missingFolders) {
      Files.createDirectories(out.resolve(folder));
    }
    files.entrySet().parallelStream().forEach(e -> {
      try {
        Long size = onDisk.get(e.getKey());
        Path file = out.resolve(e.getKey());
        if (size == null || size != e.getValue().length || !Arrays.equals(Files.readAllBytes(file), e.getValue())) {
          Path tmp = file.resolveSibling("." + file.getFileName() + ".capkit-new");
          Files.write(tmp, e.getValue());
          move(tmp, file);
        }
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
    });
    // Folders that hold nothing rendered are empty now (their files were extra): they go, deepest first.
    java.util.Set<String> needed = new java.util.HashSet<>();
    for (String path : wanted) {
      int slash = path.lastIndexOf('/');
      while (slash > 0 && needed.add(path.substring(0, slash))) {
        slash = path.lastIndexOf('/', slash - 1);
      }
    }
    List<String> unneeded = new ArrayList<>();
    for (String path : onDisk.keySet()) {
      if (path.endsWith("/") && !needed.contains(path.substring(0, path.length() - 1))) {
        unneeded.add(path.substring(0, path.length() - 1));
      }
    }
    unneeded.sort(Comparator.reverseOrder());
    for (String folder : unneeded) {
      Files.deleteIfExists(out.resolve(folder));
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
