package io.capkit.cli;

import static io.capkit.cli.CapkitCommandTest.assertSameTree;
import static io.capkit.cli.CapkitCommandTest.run;
import static io.capkit.cli.CapkitCommandTest.manifests;
import static io.capkit.cli.CapkitCommandTest.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.source.DirectoryTree;
import io.capkit.cli.CapkitCommandTest.Run;
import io.capkit.renderer.Renderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code capkit render} of a whole fleet writes each cluster as it finishes (into the new folder beside the output):
 * the result is byte for byte the in-memory rendering, and a cluster that fails midway leaves the output as it was.
 */
class StreamingRenderTest {
  private static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));
  private static final String RELEASES = ROOT.resolve("releases").toString();
  private static final String ORG = "management-clusters/mc-berlin/organizations/acme/workload-clusters/";

  /** The example fleet plus 40 clusters in the acme organization. */
  private static Path bigFleet(Path tmp) throws IOException {
    Path from = ROOT.resolve("fleet-repo-example");
    Path to = tmp.resolve("fleet");
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    for (int i = 0; i < 40; i++) {
      writeCluster(to, "bulk-" + (10 + i), "v1." + (i % 3) + ".0", 1 + i % 5);
    }
    return to;
  }

  private static void writeCluster(Path fleet, String name, String release, Object workers) throws IOException {
    Path file = fleet.resolve(ORG + name + "/cluster.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata:\n  name: " + name
        + "\nspec:\n  release: " + release + "\n  variables:\n    WORKER_MACHINE_COUNT: " + workers + "\n");
  }

  private static SortedMap<String, byte[]> inMemory(Path fleet) {
    SortedMap<String, byte[]> files = new TreeMap<>();
    Renderer.standard().render(DirectoryTree.open(fleet), DirectoryTree.open(Path.of(RELEASES))).files()
        .forEach((k, v) -> files.put(k.replace('/', java.io.File.separatorChar), v));
    return files;
  }

  private static Run render(Path fleet, Path out) {
    // --full: the streamed full render (RecordedRender.full) every time, never the incremental update in place.
    return run("render", "--full", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", out.toString());
  }

  private static void assertNothingBeside(Path tmp, Path... expected) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(expected), s.sorted().toList(), "nothing left beside the output");
    }
  }

  @Test
  void theStreamedOutputIsTheInMemoryRenderingByteForByte(@TempDir Path tmp) throws IOException {
    Path fleet = bigFleet(tmp);
    SortedMap<String, byte[]> expected = inMemory(fleet);
    assertTrue(expected.size() > 100, "a multi-cluster fleet: " + expected.size() + " files");
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Run first = render(fleet, out);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().startsWith("rendered 48 clusters into "), first.out());
    assertSameTree(expected, manifests(out));
    assertTrue(Files.isRegularFile(out.resolve(RenderRecord.FILE)), "the record, swapped in with the output");
    Path manifests = out.resolve(ORG + "bulk-20/manifests.yaml");
    Object inode = Files.readAttributes(manifests, BasicFileAttributes.class).fileKey();

    // Up to date: the same bytes, unchanged files linked from the previous output, not written again.
    Run again = render(fleet, out);
    assertEquals(0, again.code(), again.err());
    assertSameTree(expected, manifests(out));
    assertEquals(inode, Files.readAttributes(manifests, BasicFileAttributes.class).fileKey());

    // One cluster changed, one removed: the output equals a fresh rendering, the removed cluster's folder is gone.
    writeCluster(fleet, "bulk-21", "v1.2.0", 7);
    try (Stream<Path> s = Files.walk(fleet.resolve(ORG + "bulk-22"))) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    assertEquals(0, render(fleet, out).code());
    assertSameTree(inMemory(fleet), manifests(out));
    assertFalse(Files.exists(out.resolve(ORG + "bulk-22")));
    assertNothingBeside(tmp, fleet, out);
  }

  @Test
  void aClusterFailingMidwayLeavesThePreviousOutputWhole(@TempDir Path tmp) throws IOException {
    Path fleet = bigFleet(tmp);
    Path out = tmp.resolve("out");
    assertEquals(0, render(fleet, out).code());
    SortedMap<String, byte[]> before = tree(out);
    // Clusters before and after it in fleet order render fine; this one's variable is not an integer.
    writeCluster(fleet, "bulk-30", "v1.2.0", "many");
    writeCluster(fleet, "bulk-31", "v1.1.0", 9);
    Run r = render(fleet, out);
    assertEquals(1, r.code(), r.err());
    String file = fleet.resolve(ORG + "bulk-30/cluster.yaml").toString();
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith(file + ": spec.variables.WORKER_MACHINE_COUNT: ")), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    assertEquals("", r.out());
    assertSameTree(before, tree(out));
    assertNothingBeside(tmp, fleet, out);

    // Into an empty folder: it stays empty.
    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty);
    assertEquals(1, render(fleet, empty).code());
    assertEquals(0, tree(empty).size());
    try (Stream<Path> s = Files.list(empty)) {
      assertEquals(0, s.count());
    }
    assertNothingBeside(tmp, empty, fleet, out);
  }
}
