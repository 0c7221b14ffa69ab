package io.capkit.api.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectoryTree#open}: the names it lists and the problems it names are relative to the root, '/'-separated
 * (what {@code root.relativize(path)} spells), sorted; hidden files and folders are skipped at any depth.
 */
class DirectoryTreeTest {
  @Test
  void listsRegularFilesByTheirPathUnderTheRootSortedAndSkipsHiddenOnes(@TempDir Path tmp) throws IOException {
    Path root = tmp.resolve("fleet");
    for (String f : List.of("b.yaml", "a/z.yaml", "a/b/c.yaml", "a/.x/hidden.yaml", ".git/config", "a/.dot.yaml",
        "a/b./d.yaml", "a.b/.e/f.yaml", "x.yaml.", "a/b/.yaml")) {
      Files.createDirectories(root.resolve(f).getParent());
      Files.writeString(root.resolve(f), f);
    }
    // A hidden folder below a visible one is skipped with all it holds; a name that only holds a dot is not hidden.
    List<String> expected = List.of("a/b./d.yaml", "a/b/c.yaml", "a/z.yaml", "b.yaml", "x.yaml.");
    assertEquals(expected, DirectoryTree.open(root).files());
    try (Stream<Path> all = Files.walk(root)) {
      List<String> relativized = all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
          .filter(r -> Stream.of(r.split("/")).noneMatch(n -> n.startsWith("."))).sorted().toList();
      assertEquals(relativized, DirectoryTree.open(root).files(), "root.relativize spells the same names");
    }
    // The same through a path that is not normalized, and the contents read by those names.
    DirectoryTree viaDots = DirectoryTree.open(tmp.resolve("fleet/a/../."));
    assertEquals(expected, viaDots.files());
    assertEquals("a/b/c.yaml", new String(viaDots.read("a/b/c.yaml").orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void namesEveryLinkAndSpecialFileByItsPathUnderTheRoot(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("crds");
    Files.createDirectories(root.resolve("capi/v1"));
    Files.writeString(root.resolve("capi/v1/ok.yaml"), "x: 1\n");
    Files.createSymbolicLink(root.resolve("capi/v1/link.yaml"), root.resolve("capi/v1/ok.yaml"));
    Files.createSymbolicLink(root.resolve("dirlink"), root.resolve("capi"));
    Files.createSymbolicLink(root.resolve(".hidden-link"), root.resolve("capi"));
    assertEquals(0, new ProcessBuilder("mkfifo", root.resolve("capi/pipe").toString()).start().waitFor());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> DirectoryTree.open(root));
    assertEquals(List.of(
        "capi/pipe: is not a regular file",
        "capi/v1/link.yaml: is a symbolic link; links could point outside crds, copy the file instead",
        "dirlink: is a symbolic link; links could point outside crds, copy the file instead"),
        e.problems().stream().map(Problem::format).sorted().toList());
  }
}
