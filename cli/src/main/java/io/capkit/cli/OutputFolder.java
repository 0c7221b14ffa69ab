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
import java.util.stream.Stream;

/**
 * The render output folder on disk: the CLI's only file writes. Every rendering is written whole into a new
 * folder of its own beside the output ({@code .NAME.capkit-new-…}), file by file as clusters finish rendering
 * ({@link #update()}): a file that did not change is hard-linked from the current output (same inode, nothing
 * rewritten), the others are written. Only when all of it is on disk is the output swapped for it by two renames, so
 * a failure at any step leaves the previous output whole. One render at a
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
    try (Update update = update()) {
      files.forEach(update::write);
      update.commit();
    }
  }

  /**
   * Starts writing a new rendering of the folder, file by file as clusters finish (from any number of threads):
   * everything goes into a new folder of its own beside the output, which {@link Update#commit()} swaps in whole;
   * closing an update that was not committed deletes it and leaves the output as it was. Holds the output's lock
   * until closed. Throws {@link InvalidInputException} when another render is writing the same folder or the folder
   * cannot be written.
   */
  Update update() {
    return update(null);
  }

  /**
   * As {@link #update()}, under {@code held} when it is not null: the output's lock, taken by the caller (an
   * incremental render that found it must render everything), which the update then owns and releases when closed.
   */
  Update update(OutputLock held) {
    OutputLock lock = held;
    try {
      checkReplaceable();
    } catch (RuntimeException e) {
      closeQuietly(lock);
      throw e;
    }
    Path parent = out.getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      closeQuietly(lock);
      throw cannotWrite(e);
    }
    try {
      if (lock == null) {
        lock = OutputLock.acquire(lockFile(out), out);
      }
      checkReplaceable();
      removeLeftovers(parent);
      Path fresh = Files.createTempDirectory(parent, prefix() + "new-");
      Update update = new Update(lock, parent, fresh, hasFiles(out));
      lock = null;
      return update;
    } catch (IOException | UncheckedIOException e) {
      throw cannotWrite(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
    } finally {
      closeQuietly(lock);
    }
  }

  /** The lock file of an output folder: {@code .NAME.capkit-lock} beside it. */
  static Path lockFile(Path out) {
    Path abs = out.toAbsolutePath().normalize();
    return abs.getParent().resolve("." + abs.getFileName() + ".capkit-lock");
  }

  private static void closeQuietly(OutputLock lock) {
    if (lock != null) {
      try {
        lock.close();
      } catch (IOException e) {
        // Nothing was written; the lock file is only a leftover.
      }
    }
  }

  /** A new rendering being written beside the output; see {@link #update()}. */
  final class Update implements AutoCloseable {
    private final OutputLock lock;
    private final Path parent;
    private final Path fresh;
    // The output as it is: an unchanged file is hard-linked from it, not written again.
    private final boolean current;
    private final java.util.Set<String> folders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean committed;

    private Update(OutputLock lock, Path parent, Path fresh, boolean current) {
      this.lock = lock;
      this.parent = parent;
      this.fresh = fresh;
      this.current = current;
    }

    /**
     * Writes one file of the new rendering ({@code path} relative to the output, '/'-separated), or links it from
     * the current output when that one has the same bytes. Safe to call from several threads at once, once per path.
     * Throws {@link InvalidInputException} ({@code cannot be written …; the previous output is unchanged}).
     */
    void write(String path, byte[] bytes) {
      try {
        int slash = path.lastIndexOf('/');
        if (slash > 0 && !folders.contains(path.substring(0, slash))) {
          String folder = path.substring(0, slash);
          Files.createDirectories(fresh.resolve(folder));
          folders.add(folder);
        }
        Path target = fresh.resolve(path);
        if (current && same(out.resolve(path), bytes) && link(target, out.resolve(path))) {
          return;
        }
        writer.write(target, bytes);
      } catch (IOException e) {
        throw cannotWrite(e);
      }
    }

    /** Swaps the new rendering in for the output (two renames); the previous output stays whole when it fails. */
    void commit() {
      try {
        swap(parent, fresh);
        committed = true;
      } catch (IOException e) {
        throw cannotWrite(e);
      }
    }

    @Override
    public void close() {
      try {
        if (!committed) {
          deleteTree(fresh);
        }
      } catch (IOException | UncheckedIOException e) {
        // A leftover beside the output: the next render (holding the lock) removes it.
      } finally {
        try {
          lock.close();
        } catch (IOException e) {
          // The lock is released with the channel; a lock file left behind is taken over by the next render.
        }
      }
    }
  }

  // The current file holds exactly these bytes (a regular file, not a link); false when it is missing or unreadable.
  private static boolean same(Path current, byte[] bytes) {
    try {
      java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(current,
          java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() && a.size() == bytes.length && Arrays.equals(Files.readAllBytes(current), bytes);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean hasFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isPresent();
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

  /** Problems that make the folder differ from {@code files}: stale, missing and extra files. */
  List<Problem> differences(SortedMap<String, byte[]> files) {
    List<Problem> problems = new ArrayList<>();
    files.forEach((path, bytes) -> difference(path, bytes).ifPresent(problems::add));
    problems.addAll(extras(files.keySet()));
    problems.sort(null);
    return problems;
  }

  /** How the file at {@code path} differs from {@code bytes} (missing or stale), if it does; any thread. */
  java.util.Optional<Problem> difference(String path, byte[] bytes) {
    Path file = out.resolve(path);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return java.util.Optional.of(new Problem(file.toString(), null, "missing"));
    }
    try {
      if (!Arrays.equals(Files.readAllBytes(file), bytes)) {
        return java.util.Optional.of(new Problem(file.toString(), null, "stale (differs from a fresh rendering)"));
      }
      return java.util.Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + out, e);
    }
  }

  /** Files in the folder that are not in {@code expected} (paths relative to it, '/'-separated). */
  List<Problem> extras(java.util.Set<String> expected) {
    List<Problem> problems = new ArrayList<>();
    if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
      return problems;
    }
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        String path = out.relativize(p).toString().replace('\\', '/');
        // The record of the last render is not output: a fresh rendering is compared with the manifests only.
        if (!expected.contains(path) && !path.equals(RenderRecord.FILE)) {
          problems.add(new Problem(out.resolve(path).toString(), null, "extra (not produced by the rendering)"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + out, e);
    }
    return problems;
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
