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

  /** Replaces the folder with exactly {@code files}. */
  void replace(SortedMap<String, byte[]> files) {
    checkReplaceable();
    Path parent = out.getParent();
    Path fresh = parent.resolve("." + out.getFileName() + ".capkit-new");
    Path old = parent.resolve("." + out.getFileName() + ".capkit-old");
    try {
      Files.createDirectories(parent);
      deleteTree(fresh);
      deleteTree(old);
      for (var e : files.entrySet()) {
        Path file = fresh.resolve(e.getKey());
        Files.createDirectories(file.getParent());
        Files.write(file, e.getValue());
      }
      Files.createDirectories(fresh);
      if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        move(out, old);
        move(fresh, out);
        deleteTree(old);
      } else {
        move(fresh, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
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
