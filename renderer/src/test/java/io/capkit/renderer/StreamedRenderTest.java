package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.source.SourceTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The streamed rendering ({@link Renderer#renderEach}: clusters handed to a sink on worker threads as they finish,
 * files above them from {@link OutputLayout#sharedFiles}) gives exactly the files of the in-memory rendering, for any
 * number of workers; a problem stops the hand-over.
 */
class StreamedRenderTest {
  private static final String MC = "management-clusters/mc-a/";

  /** The example fleet plus 60 clusters in three organizations (one with its own namespace), varied variables. */
  static SourceTree bigFleet() {
    SourceTree example = RepoFiles.exampleFleet();
    Map<String, byte[]> files = new HashMap<>();
    for (String path : example.files()) {
      files.put(path, example.read(path).orElseThrow());
    }
    files.put(MC + "defaults.yaml", text("""
        apiVersion: fleet.capkit.io/v1alpha1
        kind: FleetDefaults
        variables:
          BASE_DOMAIN: a.capkit.example
          CONTROL_PLANE_LOAD_BALANCER: external
        """));
    files.put(MC + "organizations/o-1/defaults.yaml", text("""
        apiVersion: fleet.capkit.io/v1alpha1
        kind: FleetDefaults
        namespace: team-one
        variables:
          POD_IP_RANGE: 10.101.0.0/16
        """));
    String[] releases = {"v1.0.0", "v1.1.0", "v1.2.0"};
    for (int i = 0; i < 60; i++) {
      String name = "wc-" + i;
      StringBuilder y = new StringBuilder("apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\n")
          .append("metadata:\n  name: ").append(name).append("\nspec:\n  release: ").append(releases[i % 3])
          .append("\n  variables:\n    CONTROL_PLANE_MACHINE_COUNT: ").append(1 + 2 * (i % 2)).append('\n');
      if (i % 4 == 0) {
        y.append("    WORKER_MACHINE_COUNT: ").append(1 + i % 7).append('\n');
      }
      files.put(MC + "organizations/o-" + (i % 3) + "/workload-clusters/" + name + "/cluster.yaml",
          text(y.toString()));
    }
    return new MemoryTree("big", files);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static SortedMap<String, byte[]> streamed(Renderer r, Renderer.Fleet fleet, int threads,
                                                    List<String> warnings) {
    SortedMap<String, byte[]> files = new ConcurrentSkipListMap<>();
    Renderer.Streamed s = r.renderEach(fleet, fleet.clusters(), threads, (i, c) -> OutputLayout.clusterFiles(c)
        .forEach((path, bytes) -> assertEquals(null, files.putIfAbsent(path, bytes), "written once: " + path)));
    assertEquals(fleet.clusters().size(), s.clusters());
    warnings.addAll(s.warnings());
    files.putAll(OutputLayout.sharedFiles(fleet));
    return files;
  }

  @Test
  void streamedFilesEqualTheInMemoryRenderingForAnyNumberOfWorkers() {
    SourceTree fleet = bigFleet();
    RenderResult expected = Renderer.standard().render(fleet, RepoFiles.releases());
    SortedMap<String, byte[]> files = expected.files();
    assertTrue(expected.clusters().size() > 60, "a multi-cluster fleet: " + expected.clusters().size());
    Renderer r = Renderer.standard();
    Renderer.Fleet read = r.read(fleet, "", RepoFiles.releases(), "");
    for (int threads : new int[] {1, 2, 5}) {
      List<String> warnings = new ArrayList<>();
      SortedMap<String, byte[]> actual = streamed(r, read, threads, warnings);
      assertEquals(files.keySet(), actual.keySet(), threads + " workers");
      files.forEach((path, bytes) -> assertArrayEquals(bytes, actual.get(path), threads + " workers: " + path));
      assertEquals(expected.warnings(), warnings, "warnings in fleet order");
      assertFalse(warnings.isEmpty(), "the fleet has deprecated releases");
    }
    // The in-memory path built on the same pieces agrees too.
    RenderedFiles rendered = RenderedFiles.of(Renderer.standard(), fleet, "", RepoFiles.releases(), "");
    assertEquals(files.keySet(), rendered.files().keySet());
    files.forEach((path, bytes) -> assertArrayEquals(bytes, rendered.files().get(path), path));
  }

  @Test
  void aProblemInAnyClusterStopsTheHandOverAndReportsEveryProblem() {
    Map<String, String> files = new TreeMap<>();
    String wc = MC + "organizations/o/workload-clusters/";
    files.put(MC + "defaults.yaml", "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\nvariables:\n"
        + "  BASE_DOMAIN: a.capkit.example\n  CONTROL_PLANE_LOAD_BALANCER: external\n");
    for (int i = 0; i < 12; i++) {
      String count = i == 0 || i == 7 ? "many" : "3";
      files.put(wc + "c-" + (char) ('a' + i) + "/cluster.yaml", "apiVersion: fleet.capkit.io/v1alpha1\n"
          + "kind: WorkloadCluster\nmetadata:\n  name: c-" + (char) ('a' + i) + "\nspec:\n  release: v1.2.0\n"
          + "  variables:\n    WORKER_MACHINE_COUNT: " + count + "\n");
    }
    Renderer r = Renderer.standard();
    Renderer.Fleet fleet = r.read(MemoryTree.ofText("f", files), "", RepoFiles.releases(), "");
    AtomicInteger handed = new AtomicInteger();
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> r.renderEach(fleet, fleet.clusters(), 1, (i, c) -> handed.incrementAndGet()));
    // One worker takes clusters in fleet order: the first one is bad, so nothing is handed over.
    assertEquals(0, handed.get());
    assertEquals(2, e.problems().size(), e.getMessage());
    assertEquals(wc + "c-a/cluster.yaml", e.problems().get(0).file());
    assertEquals("spec.variables.WORKER_MACHINE_COUNT", e.problems().get(0).path());
    assertEquals(wc + "c-h/cluster.yaml", e.problems().get(1).file());
    InvalidInputException twoWorkers = assertThrows(InvalidInputException.class,
        () -> r.renderEach(fleet, fleet.clusters(), 2, (i, c) -> { }));
    assertEquals(e.problems(), twoWorkers.problems(), "the same problems, in fleet order, with two workers");
  }

  @Test
  void aFailingSinkStopsEveryWorkerAndItsErrorIsRethrown() {
    Renderer r = Renderer.standard();
    Renderer.Fleet fleet = r.read(bigFleet(), "", RepoFiles.releases(), "");
    IllegalStateException full = new IllegalStateException("disk full");
    AtomicInteger handed = new AtomicInteger();
    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> r.renderEach(fleet, fleet.clusters(), 3, (i, c) -> {
          if (handed.incrementAndGet() == 5) {
            throw full;
          }
        }));
    assertSame(full, thrown);
    int after = handed.get();
    assertTrue(after < fleet.clusters().size(), "workers stop: " + after + " of " + fleet.clusters().size());
    // Every worker stopped before renderEach returned: nothing is handed over afterwards.
    assertEquals(after, handed.get());
  }
}
