package io.capkit.gitops.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.gitops.diff.ClusterInputs.ClusterPath;
import io.capkit.gitops.testing.FleetText;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.RenderResult;
import io.capkit.renderer.RenderedCluster;
import io.capkit.renderer.Renderer;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The dependency rule incremental diffs use, held to what the renderer reports reading for each cluster. */
class ClusterInputsTest {
  @Test
  void everyInputTheRendererReportsIsInTheRule() {
    TreeMap<String, String> fleet = FleetText.of(2, 2, 3, 3).files();
    // One organization without a defaults file: its layer's origin is "none", which no change can touch.
    fleet.remove(FleetText.orgDefaults("mc-1", "org-1-1"));
    TreeMap<String, String> releases = FleetText.checkedInReleases();
    RenderResult result = Renderer.standard().render(FleetText.tree("f", fleet), FleetText.tree("r", releases));
    assertEquals(12, result.clusters().size());
    for (RenderedCluster c : result.clusters()) {
      ClusterPath p = ClusterInputs.cluster(c.source().path()).orElseThrow();
      assertEquals(c.source().folder(), p.folder());
      assertEquals(c.source().managementCluster(), p.mc());
      assertEquals(c.source().organization(), p.org());
      for (String origin : new String[] {c.source().managementClusterDefaults().origin(),
          c.source().organizationDefaults().origin()}) {
        assertTrue(origin.equals("none") || p.fleetInputs().contains(origin), origin + " for " + p.path());
      }
      assertTrue(releases.containsKey(c.release().file()), c.release().file());
      // Its output lies in its folder or in a folder above it (shared files: kustomizations, HelmRepositories).
      for (String file : OutputLayout.files(java.util.List.of(c)).keySet()) {
        String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : "";
        assertTrue(file.startsWith(p.folder() + "/") || (p.folder() + "/").startsWith(dir.isEmpty() ? "" : dir + "/"),
            file);
      }
    }
  }

  @Test
  void clusterFilesAreMatchedAsThePatternMatchesThem() {
    String[] parts = {"management-clusters", "organizations", "workload-clusters", "cluster.yaml", "a", "b-1", "",
        "x.yaml", "defaults.yaml", "organizations/", "/", "management-clusters/a", "c/d"};
    java.util.Random r = new java.util.Random(18);
    int clusters = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder path = new StringBuilder();
      int n = 1 + r.nextInt(9);
      for (int k = 0; k < n; k++) {
        // Mostly the layout's own words in its order, so that many paths are cluster files or nearly.
        String part = r.nextInt(3) > 0 && k < 7 ? new String[] {"management-clusters", "m", "organizations", "o",
            "workload-clusters", "w", "cluster.yaml"}[k] : parts[r.nextInt(parts.length)];
        path.append(k == 0 ? "" : "/").append(part);
      }
      String p = path.toString();
      java.util.regex.Matcher m = ClusterInputs.CLUSTER.matcher(p);
      java.util.Optional<ClusterPath> c = ClusterInputs.cluster(p);
      assertEquals(m.matches(), c.isPresent(), p);
      if (c.isPresent()) {
        clusters++;
        assertEquals(new ClusterPath(m.group(1), m.group(2), m.group(3), p), c.get(), p);
      }
    }
    assertTrue(clusters > 1000, clusters + " cluster files");
  }

  @Test
  void classifiesFleetPaths() {
    assertTrue(ClusterInputs.isDefaults("management-clusters/a/defaults.yaml"));
    assertTrue(ClusterInputs.isDefaults("management-clusters/a/organizations/b/defaults.yaml"));
    assertFalse(ClusterInputs.isDefaults("management-clusters/a/organizations/b/workload-clusters/c/defaults.yaml"));
    assertTrue(ClusterInputs.isIgnored("management-clusters/README.md"));
    assertTrue(ClusterInputs.isIgnored("management-clusters/a/.notes.yaml"));
    assertFalse(ClusterInputs.isIgnored("management-clusters/a/extra.yaml"));
    assertTrue(ClusterInputs.cluster("management-clusters/a/organizations/b/workload-clusters/c/cluster.yaml")
        .isPresent());
    assertFalse(ClusterInputs.cluster("management-clusters/a/organizations/b/workload-clusters/c/other.yaml")
        .isPresent());
  }
}
