package io.capkit.renderer;

import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.testsupport.CrdSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;

/** The checked-in inputs and golden files tests compare against; {@code -Dgolden.update=true} rewrites goldens. */
final class RepoFiles {
  private RepoFiles() {}

  static Path root() {
    return CrdSources.repoRoot();
  }

  static SourceTree exampleFleet() {
    return DirectoryTree.open(root().resolve("fleet-repo-example"));
  }

  static SourceTree releases() {
    return DirectoryTree.open(root().resolve("releases"));
  }

  static boolean updating() {
    return Boolean.getBoolean("golden.update");
  }

  /** The folder holding the upstream CRD groups (capi/, flux/, …): see {@link CrdSources#upstream}. */
  static Path upstreamCrds() {
    return CrdSources.upstream("capi").getParent();
  }

  /** Compares {@code files} with the folder {@code dir}: same paths, same bytes; or rewrites the folder. */
  static void assertFolder(Path dir, SortedMap<String, byte[]> files) {
    if (updating()) {
      deleteTree(dir);
      files.forEach((path, bytes) -> write(dir.resolve(path), bytes));
      return;
    }
    SortedMap<String, byte[]> onDisk = readTree(dir);
    List<String> wrong = new ArrayList<>();
    files.forEach((path, bytes) -> {
      byte[] have = onDisk.get(path);
      if (have == null) {
        wrong.add("missing golden " + path);
      } else if (!Arrays.equals(have, bytes)) {
        wrong.add("differs: " + path + "\n--- expected (golden)\n" + new String(have) + "\n--- actual\n" + new String(bytes));
      }
    });
    onDisk.keySet().stream().filter(p -> !files.containsKey(p)).forEach(p -> wrong.add("extra golden " + p));
    Assertions.assertTrue(wrong.isEmpty(), "golden files in " + dir + " are stale (rerun with -Dgolden.update=true "
        + "and review the diff):\n" + String.join("\n", wrong));
  }

  static void assertFile(Path file, String content) {
    if (updating()) {
      write(file, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    try {
      Assertions.assertEquals(Files.readString(file), content, file + " is stale; rerun with -Dgolden.update=true");
    } catch (IOException e) {
      Assertions.fail(file + " cannot be read (rerun with -Dgolden.update=true to create it)", e);
    }
  }

  static SortedMap<String, byte[]> readTree(Path dir) {
    SortedMap<String, byte[]> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
