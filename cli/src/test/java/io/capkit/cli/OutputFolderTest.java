package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.capkit.renderer.OutputLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output folder on a real file system: fresh writes and in-place updates that touch only what changed. */
class OutputFolderTest {
  private static SortedMap<String, byte[]> files(String... pathsAndTexts) {
    SortedMap<String, byte[]> m = new TreeMap<>();
    for (int i = 0; i < pathsAndTexts.length; i += 2) {
      m.put(pathsAndTexts[i], pathsAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  private static Object inode(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
  }

  @Test
  void updateRewritesOnlyChangedFilesAndRemovesWhatIsNoLongerRendered(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    OutputFolder folder = new OutputFolder(out);
    String k = OutputLayout.HEADER + "resources: []\n";
    folder.replace(files(OutputLayout.KUSTOMIZATION, k, "a/same.yaml", "same\n", "a/changed.yaml", "old\n",
        "gone/deeper/x.yaml", "x\n", "b", "a file where a folder will go\n", "c/d/e.yaml", "folder where a file will go\n"));
    Object same = inode(out.resolve("a/same.yaml"));
    Object changed = inode(out.resolve("a/changed.yaml"));
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "outside\n");
    Files.createSymbolicLink(out.resolve("a/link.yaml"), outside);

    SortedMap<String, byte[]> next = files(OutputLayout.KUSTOMIZATION, k, "a/same.yaml", "same\n",
        "a/changed.yaml", "new\n", "a/link.yaml", "a file now\n", "b/new.yaml", "n\n", "c/d", "now a file\n");
    folder.replace(next);

    assertEquals(same, inode(out.resolve("a/same.yaml")), "an unchanged file is not rewritten");
    assertNotEquals(changed, inode(out.resolve("a/changed.yaml")), "a changed file is replaced by a rename");
    assertEquals("outside\n", Files.readString(outside), "a link is replaced, never written through");
    assertFalse(Files.isSymbolicLink(out.resolve("a/link.yaml")));
    assertFalse(Files.exists(out.resolve("gone")), "a folder left empty is removed");
    assertEquals(List.of(), new OutputFolder(out).differences(next));
    try (Stream<Path> s = Files.walk(tmp)) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().contains("capkit-")).toList(),
          "no temporary files left behind");
    }
  }
}
