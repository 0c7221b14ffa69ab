package io.capkit.demo;

import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.renderer.yaml.YamlWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fleet the demo renders: the example fleet, or {@code n} generated {@code kvm} clusters, with the API
 * endpoint of every cluster whose control plane runs on KVM machines moved to a loopback address, where the
 * stand-in workload API server answers once the first control-plane machine is provisioned. Nothing else changes.
 */
record DemoFleet(SourceTree tree, String name, Map<String, String> endpoints) {
  /** Flavors whose control plane runs on capkit's KVM machines (kubeadm init happens on one of them). */
  static final Set<String> KVM_CONTROL_PLANE = Set.of("kvm", "kvm-metal3");
  private static final String CLUSTER_FILE = "/cluster.yaml";

  /** The example fleet of the repository. */
  static DemoFleet example(Path root) {
    SourceTree dir = DirectoryTree.open(root.resolve("fleet-repo-example"));
    Map<String, String> files = new TreeMap<>();
    for (String f : dir.files()) {
      files.put(f, new String(dir.read(f).orElseThrow(), StandardCharsets.UTF_8));
    }
    return withLoopbackEndpoints("fleet-repo-example", files);
  }

  /** {@code n} kvm clusters of one control-plane machine and two workers, in organization {@code demo}. */
  static DemoFleet generated(int n, String release) {
    Map<String, String> files = new TreeMap<>();
    files.put("management-clusters/mc-demo/defaults.yaml",
        "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\nvariables:\n  BASE_DOMAIN: demo.capkit.example\n");
    for (int i = 0; i < n; i++) {
      String name = String.format("load-%02d", i);
      files.put("management-clusters/mc-demo/organizations/demo/workload-clusters/" + name + CLUSTER_FILE,
          "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata:\n  name: " + name
              + "\nspec:\n  release: " + release + "\n  flavor: kvm\n  variables:\n"
              + "    CONTROL_PLANE_MACHINE_COUNT: 1\n    WORKER_MACHINE_COUNT: 2\n");
    }
    return withLoopbackEndpoints("generated-fleet", files);
  }

  @SuppressWarnings("unchecked")
  private static DemoFleet withLoopbackEndpoints(String name, Map<String, String> files) {
    Map<String, String> endpoints = new LinkedHashMap<>();
    List<String> clusters = new ArrayList<>(files.keySet().stream().filter(f -> f.endsWith(CLUSTER_FILE)).toList());
    int next = 11;
    for (String file : clusters) {
      Map<String, Object> doc = YamlDocuments.loadOne(file, files.get(file));
      Map<String, Object> spec = (Map<String, Object>) doc.computeIfAbsent("spec", k -> new LinkedHashMap<>());
      String flavor = String.valueOf(spec.getOrDefault("flavor", "kvm"));
      if (!KVM_CONTROL_PLANE.contains(flavor) || next > 254) {
        continue;
      }
      String host = "127.0.0." + next++;
      Map<String, Object> ep = new LinkedHashMap<>();
      ep.put("host", host);
      ep.put("port", 6443);
      spec.put("controlPlaneEndpoint", ep);
      files.put(file, "# demo: the endpoint is a loopback address the stand-in workload API server binds\n"
          + YamlWriter.write(doc));
      endpoints.put(file, host + ":6443");
    }
    return new DemoFleet(MemoryTree.ofText(name, files), name, endpoints);
  }

  static String read(SourceTree tree, String file) {
    try {
      return new String(tree.read(file).orElseThrow(() -> new IOException("no " + file)), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
