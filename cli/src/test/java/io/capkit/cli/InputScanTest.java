package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input scan of an incremental render: what it lists, reads and hashes, and what makes it give up. */
class InputScanTest {

  @Test
  void listsSortedHashesWhatItReadsAndKeepsWhatItIsAskedTo(@TempDir Path tmp) throws IOException {
    Files.createDirectories(tmp.resolve("a/b"));
    Files.createDirectories(tmp.resolve(".hidden"));
    Files.writeString(tmp.resolve("a/b/cluster.yaml"), "kind: WorkloadCluster\n");
    Files.writeString(tmp.resolve("a/defaults.yaml"), "kind: FleetDefaults\n");
    Files.write(tmp.resolve("empty.yaml"), new byte[0]);
    Files.writeString(tmp.resolve("README.md"), "notes\n");
    Files.writeString(tmp.resolve(".hidden/x.yaml"), "x: 1\n");
    Files.writeString(tmp.resolve(".dotfile"), "y\n");
    InputScan scan = InputScan.of(tmp, p -> p.equals("README.md"), (p, d) -> p.endsWith("cluster.yaml"));
    assertNotNull(scan);
    assertEquals(List.of("README.md", "a/b/cluster.yaml", "a/defaults.yaml", "empty.yaml"), scan.files());
    assertEquals(RenderRecord.UNREAD, scan.digests().get("README.md"));
    for (String p : List.of("a/b/cluster.yaml", "a/defaults.yaml", "empty.yaml")) {
      assertEquals(RenderRecord.digest(Files.readAllBytes(tmp.resolve(p))), scan.digests().get(p), p);
    }
    assertEquals(Set.of("a/b/cluster.yaml"), scan.kept().keySet());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a/b/cluster.yaml")), scan.kept().get("a/b/cluster.yaml"));
  }

  @Test
  void progressReportsEachFileReadAndEveryLevelAboveAsTheResultHasThem(@TempDir Path tmp) throws IOException {
    for (int i = 0; i < 30; i++) {
      Files.createDirectories(tmp.resolve("m/o" + (i % 3) + "/w/c" + i));
      Files.writeString(tmp.resolve("m/o" + (i % 3) + "/w/c" + i + "/cluster.yaml"), "n: " + i + "\n");
    }
    for (int o = 0; o < 3; o++) {
      Files.writeString(tmp.resolve("m/o" + o + "/defaults.yaml"), "d: " + o + "\n");
    }
    Files.writeString(tmp.resolve("m/README.md"), "notes\n");
    Files.write(tmp.resolve("m/big.yaml"), new byte[YamlDocuments.MAX_CHARS + 1]);
    Map<String, String> read = new ConcurrentHashMap<>();
    List<InputScan> levels = new ArrayList<>();
    InputScan scan = InputScan.of(tmp, p -> p.endsWith(".md"), (p, d) -> p.endsWith("defaults.yaml"), () -> false,
        new InputScan.Progress() {
          @Override
          public void level(InputScan above) {
            levels.add(above);
          }

          @Override
          public void read(String path, String digest) {
            assertNull(read.put(path, digest), "once: " + path);
          }
        });
    assertNotNull(scan);
    // Every file read and hashed, with the digest the result has; files listed but not read are not reported.
    Map<String, String> expected = new java.util.HashMap<>(scan.digests());
    expected.remove("m/README.md");
    expected.remove("m/big.yaml");
    assertEquals(expected, read);
    // Levels: the root, m, m/o*, m/o*/w, m/o*/w/c*; each sees exactly the result's files of the levels above it.
    assertEquals(5, levels.size());
    assertEquals(List.of(), levels.get(0).files());
    assertEquals(List.of(), levels.get(1).files());
    assertEquals(List.of("m/README.md", "m/big.yaml"), levels.get(2).files());
    List<String> upper = scan.files().stream().filter(p -> !p.endsWith("cluster.yaml")).toList();
    assertEquals(upper, levels.get(4).files());
    for (InputScan above : levels) {
      above.files().forEach(p -> assertEquals(scan.digests().get(p), above.digests().get(p), p));
      assertTrue(scan.files().containsAll(above.files()));
    }
    assertArrayEquals(Files.readAllBytes(tmp.resolve("m/o1/defaults.yaml")),
        levels.get(4).kept().get("m/o1/defaults.yaml"));
  }

  @Test
  void givesUpOnWhatTheDirectoryTreeWouldRefuse(@TempDir Path tmp) throws IOException {
    Path fleet = tmp.resolve("fleet");
    Files.createDirectories(fleet.resolve("a"));
    Files.writeString(fleet.resolve("a/cluster.yaml"), "kind: WorkloadCluster\n");
    assertNotNull(InputScan.of(fleet, p -> false, (p, d) -> false));
    // A symbolic link, to a file or to a folder.
    Files.writeString(tmp.resolve("outside.yaml"), "x: 1\n");
    Files.createSymbolicLink(fleet.resolve("a/link.yaml"), tmp.resolve("outside.yaml"));
    assertNull(InputScan.of(fleet, p -> false, (p, d) -> false));
    Files.delete(fleet.resolve("a/link.yaml"));
    Files.createSymbolicLink(fleet.resolve("linked"), tmp);
    assertNull(InputScan.of(fleet, p -> false, (p, d) -> false));
    Files.delete(fleet.resolve("linked"));
    // A file over the size limit is listed, not read: its digest says so (the caller decides).
    Files.write(fleet.resolve("big.yaml"), new byte[YamlDocuments.MAX_CHARS + 1]);
    Files.write(fleet.resolve("limit.yaml"), new byte[YamlDocuments.MAX_CHARS]);
    InputScan scan = InputScan.of(fleet, p -> false, (p, d) -> false);
    assertNotNull(scan);
    assertEquals(InputScan.TOO_LARGE, scan.digests().get("big.yaml"));
    assertEquals(RenderRecord.digest(new byte[YamlDocuments.MAX_CHARS]), scan.digests().get("limit.yaml"));
    // Asked to stop (the record says a full render): no result, whatever the folder holds.
    assertNull(InputScan.of(fleet, p -> false, (p, d) -> false, () -> true));
    assertNotNull(InputScan.of(fleet, p -> false, (p, d) -> false, () -> false));
    // Not a folder at all.
    assertNull(InputScan.of(fleet.resolve("a/cluster.yaml"), p -> false, (p, d) -> false));
    assertNull(InputScan.of(tmp.resolve("missing"), p -> false, (p, d) -> false));
  }

  @Test
  void aLinkToAFolderAmongManyFoldersIsFoundWhateverTheLinkCountSays(@TempDir Path tmp) throws Exception {
    // Cluster folders are listed from their parent without an lstat each: a link to a folder lists like a folder,
    // and the parent's link count (2 + its sub-folders) must give it away, also beside a hidden folder (not looked at)
    // and beside a file and a special file that do not list.
    Path fleet = tmp.resolve("fleet");
    for (int i = 0; i < 20; i++) {
      Files.createDirectories(fleet.resolve("w/c" + i));
      Files.writeString(fleet.resolve("w/c" + i + "/cluster.yaml"), "n: " + i + "\n");
    }
    Files.writeString(fleet.resolve("w/notes.yaml"), "stray: file\n");
    InputScan clean = InputScan.of(fleet, p -> false, (p, d) -> false);
    assertNotNull(clean);
    assertEquals(21, clean.files().size());
    assertEquals(RenderRecord.digest(Files.readAllBytes(fleet.resolve("w/c7/cluster.yaml"))),
        clean.digests().get("w/c7/cluster.yaml"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("cluster.yaml"), "n: 99\n");
    Files.createSymbolicLink(fleet.resolve("w/linked"), outside);
    assertNull(InputScan.of(fleet, p -> false, (p, d) -> false), "a link to a folder");
    // A real folder replaced, so that the count of folders that list is what the link count expects.
    Files.delete(fleet.resolve("w/c0/cluster.yaml"));
    Files.delete(fleet.resolve("w/c0"));
    Files.createDirectories(fleet.resolve("w/.hidden"));
    assertNull(InputScan.of(fleet, p -> false, (p, d) -> false), "a link beside a hidden folder");
    Files.delete(fleet.resolve("w/linked"));
    InputScan again = InputScan.of(fleet, p -> false, (p, d) -> false);
    assertNotNull(again);
    assertEquals(20, again.files().size());
    // Folders with a dot in their name get their lstat first and are listed at the next level; a link beside them is
    // still found, and so is one whose name has a dot.
    Files.createDirectories(fleet.resolve("w/v1.0.0"));
    Files.writeString(fleet.resolve("w/v1.0.0/release.yaml"), "r: 1\n");
    Files.delete(fleet.resolve("w/.hidden"));
    InputScan withDotted = InputScan.of(fleet, p -> false, (p, d) -> false);
    assertNotNull(withDotted);
    assertTrue(withDotted.files().contains("w/v1.0.0/release.yaml"));
    Files.createSymbolicLink(fleet.resolve("w/linked"), outside);
    assertNull(InputScan.of(fleet, p -> false, (p, d) -> false), "a link beside a dotted folder");
    Files.delete(fleet.resolve("w/linked"));
    Files.createSymbolicLink(fleet.resolve("w/v2.0.0"), outside);
    assertNull(InputScan.of(fleet, p -> false, (p, d) -> false), "a link with a dot in its name");
    Files.delete(fleet.resolve("w/v2.0.0"));
    assertNotNull(InputScan.of(fleet, p -> false, (p, d) -> false));
    // A special file where a folder would be: it does not list, and its lstat refuses it.
    Process mkfifo = new ProcessBuilder("mkfifo", fleet.resolve("w/pipe").toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    assertNull(InputScan.of(fleet, p -> false, (p, d) -> false), "a named pipe");
  }
}
