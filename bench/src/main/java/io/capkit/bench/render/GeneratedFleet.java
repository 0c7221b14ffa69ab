package io.capkit.bench.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A synthetic fleet of {@code mcs × orgs × perOrg} clusters with varied releases and variables, derived from
 * the cluster index only (no randomness), so every run renders the same input.
 */
public record GeneratedFleet(List<String> releases, List<Cluster> clusters,
                             Map<String, Map<String, String>> managementClusterDefaults,
                             Map<String, Map<String, String>> organizationDefaults,
                             Map<String, String> organizationNamespaces) {

  /** One workload cluster: where it sits, its release and its own {@code spec.variables}. */
  public record Cluster(String mc, String org, String name, String release, Map<String, String> variables) {
    String orgKey() {
      return mc + "/" + org;
    }
  }

  private static final String[] CP_MEMORY = {"4GB", "8GB", "8Gi", "16384Mi"};
  private static final String[] WORKER_MEMORY = {"4GB", "8GB", "12GB", "16Gi", "32768Mi"};

  /** {@code releases}: names of usable (non-wip) releases the clusters spread over. */
  public static GeneratedFleet of(int mcs, int orgs, int perOrg, List<String> releases) {
    Map<String, Map<String, String>> mcDefaults = new LinkedHashMap<>();
    Map<String, Map<String, String>> orgDefaults = new LinkedHashMap<>();
    Map<String, String> namespaces = new LinkedHashMap<>();
    List<Cluster> clusters = new ArrayList<>(mcs * orgs * perOrg);
    int n = 0;
    for (int m = 0; m < mcs; m++) {
      String mc = "mc-" + m;
      Map<String, String> mcVars = new LinkedHashMap<>();
      mcVars.put("BASE_DOMAIN", mc + ".capkit.example");
      // Endpoints are <name>.k8s.<BASE_DOMAIN> names, which a load balancer serves (kube-vip needs an address).
      mcVars.put("CONTROL_PLANE_LOAD_BALANCER", "external");
      mcVars.put("WORKER_MACHINE_COUNT", String.valueOf(2 + m));
      mcVars.put("CONTROL_PLANE_MACHINE_MEMORY", CP_MEMORY[m % CP_MEMORY.length]);
      mcDefaults.put(mc, mcVars);
      for (int o = 0; o < orgs; o++) {
        String org = "org-" + m + "-" + o;
        String key = mc + "/" + org;
        Map<String, String> orgVars = new LinkedHashMap<>();
        if (o % 2 == 1) {
          // Odd organizations use their own network ranges and namespace.
          orgVars.put("POD_IP_RANGE", "10." + (100 + o) + ".0.0/16");
          orgVars.put("SERVICE_IP_RANGE", "10.96." + o + ".0/24");
          namespaces.put(key, "team-" + m + "-" + o);
        }
        if (o % 3 == 0) {
          orgVars.put("BASE_DOMAIN", org + "." + mc + ".capkit.example");
        }
        orgVars.put("WORKER_MACHINE_MEMORY", WORKER_MEMORY[o % WORKER_MEMORY.length]);
        orgDefaults.put(key, orgVars);
        for (int c = 0; c < perOrg; c++, n++) {
          Map<String, String> vars = new LinkedHashMap<>();
          vars.put("CONTROL_PLANE_MACHINE_COUNT", String.valueOf(1 + 2 * (n % 3)));
          if (n % 2 == 0) {
            vars.put("WORKER_MACHINE_COUNT", String.valueOf(1 + n % 10));
          }
          if (n % 3 == 0) {
            vars.put("WORKER_MACHINE_CPUS", String.valueOf(2 << (n % 3 + n % 2)));
          }
          if (n % 5 == 0) {
            vars.put("WORKER_MACHINE_MEMORY", WORKER_MEMORY[n % WORKER_MEMORY.length]);
          }
          if (n % 7 == 0) {
            vars.put("VOLUME_SIZE_GB", String.valueOf(40 + 10 * (n % 20)));
            vars.put("DOCKER_VOLUME_SIZE_GB", String.valueOf(40 + 5 * (n % 10)));
          }
          clusters.add(new Cluster(mc, org, "wc-" + c, releases.get(n % releases.size()), vars));
        }
      }
    }
    return new GeneratedFleet(List.copyOf(releases), clusters, mcDefaults, orgDefaults, namespaces);
  }

  public String namespace(Cluster c) {
    return organizationNamespaces.getOrDefault(c.orgKey(), "org-" + c.org());
  }

  /** The variables after layering (management cluster < organization < cluster), as clusterctl gets them. */
  public Map<String, String> layered(Cluster c) {
    Map<String, String> vars = new LinkedHashMap<>(managementClusterDefaults.get(c.mc()));
    vars.putAll(organizationDefaults.get(c.orgKey()));
    vars.putAll(c.variables());
    return vars;
  }

  /** Writes the fleet repository layout under {@code root}. */
  public void write(Path root) throws IOException {
    Path mcsDir = root.resolve("management-clusters");
    for (Map.Entry<String, Map<String, String>> e : managementClusterDefaults.entrySet()) {
      write(mcsDir.resolve(e.getKey()).resolve("defaults.yaml"), defaults(null, e.getValue()));
    }
    for (Map.Entry<String, Map<String, String>> e : organizationDefaults.entrySet()) {
      String[] mcOrg = e.getKey().split("/");
      write(mcsDir.resolve(mcOrg[0]).resolve("organizations").resolve(mcOrg[1]).resolve("defaults.yaml"),
          defaults(organizationNamespaces.get(e.getKey()), e.getValue()));
    }
    for (Cluster c : clusters) {
      StringBuilder y = new StringBuilder()
          .append("apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata:\n  name: ")
          .append(c.name()).append("\nspec:\n  release: ").append(c.release()).append('\n');
      variables(y, c.variables(), "  ");
      write(mcsDir.resolve(c.mc()).resolve("organizations").resolve(c.org()).resolve("workload-clusters")
          .resolve(c.name()).resolve("cluster.yaml"), y.toString());
    }
  }

  private static String defaults(String namespace, Map<String, String> vars) {
    StringBuilder y = new StringBuilder("apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\n");
    if (namespace != null) {
      y.append("namespace: ").append(namespace).append('\n');
    }
    variables(y, vars, "");
    return y.toString();
  }

  private static void variables(StringBuilder y, Map<String, String> vars, String indent) {
    if (vars.isEmpty()) {
      return;
    }
    y.append(indent).append("variables:\n");
    // Numbers stay unquoted (integers in the contract); everything else is a plain string.
    vars.forEach((k, v) -> y.append(indent).append("  ").append(k).append(": ").append(v).append('\n'));
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
