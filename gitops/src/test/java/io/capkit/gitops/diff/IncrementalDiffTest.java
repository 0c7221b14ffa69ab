package io.capkit.gitops.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.gitops.testing.Fleet;
import io.capkit.gitops.testing.FleetText;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.Renderer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** The incremental diff against the full one, with the real renderer, on edits of a generated fleet. */
class IncrementalDiffTest {
  private static final Renderer RENDERER = Renderer.standard();
  /** Files only: the diff parses every changed file. */
  private static final FleetRenderer FULL = (fleet, releases) -> OutputLayout.files(RENDERER.render(fleet, releases)
      .clusters());
  /** capkit's: the diff reads each cluster's objects from the renderer (WrittenDocuments) instead of its bytes. */
  private static final FleetRenderer OBJECTS = FleetRenderer.of(() -> RENDERER);
  private static final FleetText FLEET = FleetText.of(2, 3, 4, 7);
  private static final TreeMap<String, String> RELEASES = FleetText.checkedInReleases();

  private static final String WC = Fleet.clusterPath("mc-1", "org-1-2", "wc-1");

  /**
   * Renders both versions in full, parsing every file, and incrementally from the renderer's objects; asserts equal
   * reports and returns the incremental run.
   */
  private static IncrementalDiff.Result check(String what, Map<String, String> fleetA, Map<String, String> releasesA,
      Map<String, String> fleetB, Map<String, String> releasesB) {
    FleetDiff full = RenderedDiff.between(FULL, FleetText.tree("a", fleetA), FleetText.tree("r", releasesA),
        FleetText.tree("b", fleetB), FleetText.tree("r", releasesB));
    IncrementalDiff.Result inc = IncrementalDiff.between(OBJECTS, FleetText.tree("a", fleetA),
        FleetText.tree("r", releasesA), FleetText.tree("b", fleetB), FleetText.tree("r", releasesB),
        changed(fleetA, fleetB), changed(releasesA, releasesB));
    assertEquals(full.format(), inc.diff().format(), what);
    assertEquals(full, inc.diff(), what);
    // As promote makes it: each object's diff made when the pull request body asks for it; the same report.
    IncrementalDiff.Result onDemand = IncrementalDiff.between(OBJECTS, FleetText.tree("a", fleetA),
        FleetText.tree("r", releasesA), FleetText.tree("b", fleetB), FleetText.tree("r", releasesB),
        changed(fleetA, fleetB), changed(releasesA, releasesB), true);
    assertEquals(full.markdown(2_000), onDemand.diff().markdown(2_000), what);
    assertEquals(full.markdown(60_000), onDemand.diff().markdown(60_000), what);
    assertEquals(full, onDemand.diff(), what);
    // As promote makes it: told when the new side is done (it pushes from there); the same report, told once.
    int[] told = {0};
    IncrementalDiff.Result pushing = IncrementalDiff.between(OBJECTS, FleetText.tree("a", fleetA),
        FleetText.tree("r", releasesA), FleetText.tree("b", fleetB), FleetText.tree("r", releasesB),
        changed(fleetA, fleetB), changed(releasesA, releasesB), true, () -> told[0]++);
    assertEquals(full.markdown(60_000), pushing.diff().markdown(60_000), what);
    assertEquals(full, pushing.diff(), what);
    assertEquals(1, told[0], what);
    assertEquals(full, RenderedDiff.between(OBJECTS, FleetText.tree("a", fleetA), FleetText.tree("r", releasesA),
        FleetText.tree("b", fleetB), FleetText.tree("r", releasesB), true), what);
    // The whole fleets compared cluster by cluster from the renderer's objects, in parts of 64 and of 5.
    assertEquals(full, RenderedDiff.between(OBJECTS, FleetText.tree("a", fleetA), FleetText.tree("r", releasesA),
        FleetText.tree("b", fleetB), FleetText.tree("r", releasesB)), what);
    FleetRenderer.Prepared a = OBJECTS.prepare(FleetText.tree("a", fleetA), FleetText.tree("r", releasesA));
    FleetRenderer.Prepared b = OBJECTS.prepare(FleetText.tree("b", fleetB), FleetText.tree("r", releasesB));
    Set<String> folders = new TreeSet<>(a.clusterFolders());
    folders.addAll(b.clusterFolders());
    assertEquals(full, RenderedDiff.compare(a, b, folders, path -> true, 5), what);
    // The new side first, then the old one in parts of 5: told once, before the first old part is rendered.
    List<String> order = new ArrayList<>();
    FleetRenderer.Prepared oldSide = recording(a, "old", order);
    FleetRenderer.Prepared newSide = recording(b, "new", order);
    assertEquals(full, RenderedDiff.compare(oldSide, newSide, folders, path -> true, 5, false,
        () -> order.add("told")), what);
    if (!a.clusterFolders().isEmpty() || !b.clusterFolders().isEmpty()) {
      int toldAt = order.indexOf("told");
      assertTrue(toldAt >= 0, what + ": " + order);
      assertTrue(order.subList(0, toldAt).stream().allMatch("new"::equals), what + ": " + order);
      assertTrue(order.subList(toldAt + 1, order.size()).stream().allMatch("old"::equals), what + ": " + order);
    }
    return inc;
  }

  // `p`, noting `side` in `order` for each call that renders clusters.
  private static FleetRenderer.Prepared recording(FleetRenderer.Prepared p, String side, List<String> order) {
    return new FleetRenderer.Prepared() {
      @Override
      public Set<String> clusterFolders() {
        return p.clusterFolders();
      }

      @Override
      public RenderedOutput shared() {
        return p.shared();
      }

      @Override
      public void renderClusters(java.util.Collection<String> folders, BiConsumer<String, RenderedOutput> sink) {
        synchronized (order) {
          order.add(side);
        }
        p.renderClusters(folders, sink);
      }
    };
  }

  private static IncrementalDiff.Result check(String what, Map<String, String> fleetB) {
    return check(what, FLEET.files(), RELEASES, fleetB, RELEASES);
  }

  // What a tree diff reports: paths added, removed or with other content.
  static Set<String> changed(Map<String, String> a, Map<String, String> b) {
    Set<String> out = new TreeSet<>(a.keySet());
    out.addAll(b.keySet());
    out.removeIf(p -> Objects.equals(a.get(p), b.get(p)));
    return out;
  }

  @Test
  void aClusterVariableRendersThatClusterOnly() {
    TreeMap<String, String> b = FLEET.files();
    b.put(WC, b.get(WC).replaceAll("WORKER_MACHINE_COUNT: \\d+", "WORKER_MACHINE_COUNT: 11"));
    IncrementalDiff.Result r = check("cluster variable", b);
    assertEquals(1, r.diff().clusters().size());
    assertEquals(2, r.clustersRendered(), "one cluster, before and after");
    assertFalse(r.full());
  }

  @Test
  void defaultsFilesRenderTheClustersBelowThem() {
    TreeMap<String, String> b = FLEET.files();
    b.put(FleetText.orgDefaults("mc-0", "org-0-1"), FleetText.defaults("team-0-1", "WORKER_MACHINE_MEMORY: 64GB\n"));
    IncrementalDiff.Result org = check("organization defaults", b);
    assertEquals(4, org.diff().clusters().size());
    assertEquals(8, org.clustersRendered());
    b = FLEET.files();
    b.put(FleetText.mcDefaults("mc-1"), FleetText.defaults(null, "BASE_DOMAIN: other.example\n"));
    IncrementalDiff.Result mc = check("management cluster defaults", b);
    assertEquals(12, mc.diff().clusters().size());
    assertEquals(24, mc.clustersRendered());
    b = FLEET.files();
    b.put(FleetText.orgDefaults("mc-0", "org-0-1"), FleetText.defaults("team-x", "WORKER_MACHINE_MEMORY: 8GB\n"));
    check("organization namespace", b);
  }

  @Test
  void aReleaseChangeRendersEverything() {
    TreeMap<String, String> releases = new TreeMap<>(RELEASES);
    releases.put("v1.1.0/release.yaml", releases.get("v1.1.0/release.yaml").replace("version: 1.17.8", "version: 1.17.9"));
    IncrementalDiff.Result r = check("release", FLEET.files(), RELEASES, FLEET.files(), releases);
    assertTrue(r.full());
    assertFalse(r.diff().isEmpty(), "the HelmReleases of clusters on v1.1.0 change");
    releases = new TreeMap<>(RELEASES);
    releases.put("v1.1.0/CHANGELOG.md", "# changed\n");
    check("changelog only", FLEET.files(), RELEASES, FLEET.files(), releases);
  }

  @Test
  void addedRemovedAndRenamedClustersRenderTheirOrganization() {
    TreeMap<String, String> b = FLEET.files();
    b.put(Fleet.clusterPath("mc-0", "org-0-2", "wc-9"), FleetText.cluster("wc-9", "v1.2.0", 3));
    assertEquals(9, check("added", b).clustersRendered(), "org-0-2: 4 clusters before, 5 after");
    b = FLEET.files();
    b.remove(WC);
    check("removed", b);
    b = FLEET.files();
    String text = b.remove(WC);
    b.put(Fleet.clusterPath("mc-1", "org-1-2", "wc-renamed"), text.replace("name: wc-1", "name: wc-renamed"));
    check("renamed", b);
    b = FLEET.files();
    text = b.remove(WC);
    b.put(Fleet.clusterPath("mc-1", "org-1-1", "wc-1"), text);
    check("moved to another organization", b);
  }

  @Test
  void aNewReleaseWithNewRepositoriesRendersTheWholeOrganization() {
    // org-0-0 runs v1.0.0 only: moving one cluster to v1.1.0 adds the cert-manager HelmRepository there.
    TreeMap<String, String> b = FLEET.files();
    String wc = Fleet.clusterPath("mc-0", "org-0-0", "wc-2");
    b.put(wc, b.get(wc).replace("release: v1.0.0", "release: v1.1.0"));
    IncrementalDiff.Result r = check("promotion adding a repository", b);
    assertTrue(r.diff().format().contains("management-clusters/mc-0/organizations/org-0-0\n"), r.diff().format());
    assertEquals(8, r.clustersRendered(), "the first pass finds the org's shared file changed, the second renders all of org-0-0");
  }

  @Test
  void anOrganizationAppearingOrAMarkdownFile() {
    TreeMap<String, String> b = FLEET.files();
    b.put(Fleet.clusterPath("mc-0", "org-new", "wc-0"), FleetText.cluster("wc-0", "v1.1.0", 2));
    assertTrue(check("new organization", b).full());
    b = FLEET.files();
    b.put("management-clusters/mc-0/README.md", "# notes\n");
    IncrementalDiff.Result r = check("markdown", b);
    assertEquals(0, r.clustersRendered());
    assertTrue(r.diff().isEmpty());
  }

  @Test
  void randomEditsGiveTheSameReportAsAFullDiff() {
    List<BiConsumer<Random, TreeMap<String, String>>> edits = new ArrayList<>();
    edits.add((r, f) -> {
      String p = pick(r, f, ".*/cluster\\.yaml");
      f.put(p, f.get(p).replaceAll("WORKER_MACHINE_COUNT: \\d+", "WORKER_MACHINE_COUNT: " + (1 + r.nextInt(20))));
    });
    edits.add((r, f) -> {
      String p = pick(r, f, ".*/cluster\\.yaml");
      f.put(p, f.get(p).replaceAll("release: v\\S+", "release: " + FleetText.RELEASES.get(r.nextInt(3))));
    });
    edits.add((r, f) -> f.put(pick(r, f, "/organizations/.*/defaults\\.yaml"),
        FleetText.defaults(null, "WORKER_MACHINE_CPUS: " + (2 + r.nextInt(8)) + "\n")));
    edits.add((r, f) -> f.put(FleetText.mcDefaults("mc-" + r.nextInt(2)),
        FleetText.defaults(null, "BASE_DOMAIN: d" + r.nextInt(5) + ".example\n")));
    edits.add((r, f) -> {
      String name = "wc-new-" + r.nextInt(100);
      int mc = r.nextInt(2);
      f.put(Fleet.clusterPath("mc-" + mc, "org-" + mc + "-" + r.nextInt(3), name), FleetText.cluster(name,
          FleetText.RELEASES.get(r.nextInt(3)), 2));
    });
    edits.add((r, f) -> {
      List<String> clusters = f.keySet().stream().filter(p -> p.endsWith("/cluster.yaml")).toList();
      String p = pick(r, f, ".*/cluster\\.yaml");
      // Keep at least one cluster per organization, or the pair only tests the full fallback.
      if (clusters.stream().filter(c -> c.startsWith(p.substring(0, p.indexOf("/workload-clusters/")))).count() > 1) {
        f.remove(p);
      }
    });
    int partial = 0;
    for (long seed = 1; seed <= 12; seed++) {
      Random r = new Random(seed);
      TreeMap<String, String> a = FLEET.files();
      edits.get(r.nextInt(edits.size())).accept(r, a);
      TreeMap<String, String> b = new TreeMap<>(a);
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        edits.get(r.nextInt(edits.size())).accept(r, b);
      }
      partial += check("seed " + seed, a, RELEASES, b, RELEASES).full() ? 0 : 1;
    }
    assertTrue(partial >= 9, "most random pairs take the incremental path: " + partial);
  }

  @Test
  void invalidInputGivesTheProblemsOfARenderingOfEachSideOldSideFirst() {
    TreeMap<String, String> a = FLEET.files();
    TreeMap<String, String> b = FLEET.files();
    String other = Fleet.clusterPath("mc-0", "org-0-1", "wc-0");
    b.put(WC, b.get(WC).replaceAll("WORKER_MACHINE_COUNT: \\d+", "WORKER_MACHINE_COUNT: -2"));
    // Found while rendering the clusters (not while reading the fleet).
    String rendering = problems(FULL, a, b);
    assertTrue(rendering.contains("WORKER_MACHINE_COUNT"), rendering);
    assertEquals(rendering, problems(OBJECTS, a, b));
    assertEquals(0, told(a, b), "a new side that does not render is never announced");
    // Only the old side invalid: the new side is announced, and the old side's problems still come.
    assertEquals(1, told(b, a));
    b.put(other, b.get(other).replaceAll("release: v\\S+", "release: v9.9.9"));
    String newSide = problems(FULL, a, b);
    assertTrue(newSide.contains("WORKER_MACHINE_COUNT") && newSide.contains("v9.9.9"), newSide);
    assertEquals(newSide, problems(OBJECTS, a, b));
    assertEquals(0, told(a, b));
    // Both sides invalid: the old side's problems, as when the old side is rendered first.
    a.put(other, a.get(other).replaceAll("release: v\\S+", "release: v8.8.8"));
    String oldSide = problems(FULL, a, b);
    assertTrue(oldSide.contains("v8.8.8") && !oldSide.contains("v9.9.9"), oldSide);
    assertEquals(oldSide, problems(OBJECTS, a, b));
  }

  // The messages of the incremental and the full diff's failures.
  private static String problems(FleetRenderer renderer, Map<String, String> a, Map<String, String> b) {
    String inc = org.junit.jupiter.api.Assertions.assertThrows(io.capkit.api.InvalidInputException.class,
        () -> IncrementalDiff.between(renderer, FleetText.tree("a", a), FleetText.tree("r", RELEASES),
            FleetText.tree("b", b), FleetText.tree("r", RELEASES), changed(a, b), Set.of())).getMessage();
    String full = org.junit.jupiter.api.Assertions.assertThrows(io.capkit.api.InvalidInputException.class,
        () -> RenderedDiff.between(renderer, FleetText.tree("a", a), FleetText.tree("r", RELEASES),
            FleetText.tree("b", b), FleetText.tree("r", RELEASES))).getMessage();
    return inc + "\n--\n" + full;
  }

  // How often the incremental diff from the renderer's objects says the new side is done, for input that fails: it
  // fails with the same problems as without being asked.
  private static int told(Map<String, String> a, Map<String, String> b) {
    int[] told = {0};
    String asked = org.junit.jupiter.api.Assertions.assertThrows(io.capkit.api.InvalidInputException.class,
        () -> IncrementalDiff.between(OBJECTS, FleetText.tree("a", a), FleetText.tree("r", RELEASES),
            FleetText.tree("b", b), FleetText.tree("r", RELEASES), changed(a, b), Set.of(), true, () -> told[0]++))
        .getMessage();
    String plain = org.junit.jupiter.api.Assertions.assertThrows(io.capkit.api.InvalidInputException.class,
        () -> IncrementalDiff.between(OBJECTS, FleetText.tree("a", a), FleetText.tree("r", RELEASES),
            FleetText.tree("b", b), FleetText.tree("r", RELEASES), changed(a, b), Set.of())).getMessage();
    assertEquals(plain, asked);
    return told[0];
  }

  private static String pick(Random r, TreeMap<String, String> files, String regex) {
    List<String> paths = files.keySet().stream().filter(p -> p.matches(".*" + regex)).toList();
    return paths.get(r.nextInt(paths.size()));
  }
}
