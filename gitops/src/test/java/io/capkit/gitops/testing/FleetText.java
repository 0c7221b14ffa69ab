package io.capkit.gitops.testing;

import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.testsupport.CrdSources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** A fleet of valid clusters spread over management clusters and organizations, as editable text, from a seed. */
public final class FleetText {
  public static final List<String> RELEASES = List.of("v1.0.0", "v1.1.0", "v1.2.0");
  private final TreeMap<String, String> files = new TreeMap<>();

  public FleetText(TreeMap<String, String> files) {
    this.files.putAll(files);
  }

  /** {@code mcs × orgs × perOrg} clusters; organization {@code org-<m>-0} of each management cluster runs only v1.0.0. */
  public static FleetText of(int mcs, int orgs, int perOrg, long seed) {
    Random r = new Random(seed);
    TreeMap<String, String> f = new TreeMap<>();
    for (int m = 0; m < mcs; m++) {
      String mc = "mc-" + m;
      f.put(mcDefaults(mc), defaults(null, "BASE_DOMAIN: " + mc + ".capkit.example\n  WORKER_MACHINE_COUNT: "
          + (2 + m) + "\n"));
      for (int o = 0; o < orgs; o++) {
        String org = "org-" + m + "-" + o;
        f.put(orgDefaults(mc, org), defaults(o % 2 == 1 ? "team-" + m + "-" + o : null,
            "WORKER_MACHINE_MEMORY: " + (8 + 4 * o) + "GB\n"));
        for (int c = 0; c < perOrg; c++) {
          String release = o == 0 ? "v1.0.0" : RELEASES.get(r.nextInt(RELEASES.size()));
          f.put(Fleet.clusterPath(mc, org, "wc-" + c), cluster("wc-" + c, release, 1 + r.nextInt(9)));
        }
      }
    }
    return new FleetText(f);
  }

  public static String mcDefaults(String mc) {
    return "management-clusters/" + mc + "/defaults.yaml";
  }

  public static String orgDefaults(String mc, String org) {
    return "management-clusters/" + mc + "/organizations/" + org + "/defaults.yaml";
  }

  public static String defaults(String namespace, String variables) {
    return "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\n"
        + (namespace == null ? "" : "namespace: " + namespace + "\n") + "variables:\n  " + variables;
  }

  public static String cluster(String name, String release, int workers) {
    return "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata:\n  name: " + name
        + "\nspec:\n  release: " + release + "\n  variables:\n    WORKER_MACHINE_COUNT: " + workers + "\n"
        // Endpoints are <name>.k8s.<BASE_DOMAIN> names, which a load balancer serves (kube-vip needs an address).
        + "    CONTROL_PLANE_LOAD_BALANCER: external\n";
  }

  public TreeMap<String, String> files() {
    return new TreeMap<>(files);
  }

  public List<String> clusterPaths() {
    List<String> out = new ArrayList<>();
    files.keySet().stream().filter(p -> p.endsWith("/cluster.yaml")).forEach(out::add);
    return out;
  }

  public SourceTree tree() {
    return MemoryTree.ofText("fleet", files);
  }

  /** The checked-in releases as editable text. */
  public static TreeMap<String, String> checkedInReleases() {
    Path root = CrdSources.repoRoot().resolve("releases");
    SourceTree t = DirectoryTree.open(root);
    TreeMap<String, String> out = new TreeMap<>();
    for (String p : t.files()) {
      out.put(p, new String(t.read(p).orElseThrow(), StandardCharsets.UTF_8));
    }
    return out;
  }

  public static SourceTree tree(String name, Map<String, String> files) {
    return MemoryTree.ofText(name, files);
  }
}
