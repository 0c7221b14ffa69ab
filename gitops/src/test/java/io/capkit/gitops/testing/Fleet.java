package io.capkit.gitops.testing;

/** Fleet and release files for tests. */
public final class Fleet {
  private Fleet() {}

  public static String clusterPath(String mc, String org, String name) {
    return "management-clusters/" + mc + "/organizations/" + org + "/workload-clusters/" + name + "/cluster.yaml";
  }

  /** A WorkloadCluster file with comments, quoting and odd spacing that an edit must keep. */
  public static String cluster(String name, String release, String team) {
    return "# Workload cluster " + name + " — owned by " + team + "\n"
        + "apiVersion: fleet.capkit.io/v1alpha1\n"
        + "kind: WorkloadCluster\n"
        + "metadata:\n"
        + "  name: " + name + "   # keep me\n"
        + "  namespace: org-" + team + "\n"
        + "  labels: {team: " + team + ", tier: \"gold\"}\n"
        + "spec:\n"
        + "  # the release this cluster runs\n"
        + "  release: " + release + "    # bumped by capkit promote\n"
        + "  flavor: kvm\n"
        + "  variables:\n"
        + "    WORKER_MACHINE_COUNT: 5   # five workers\n"
        + "    POD_IP_RANGE: '172.24.0.0/16'\n";
  }

  public static String release(String name, String kubernetes, String state) {
    return "apiVersion: release.capkit.io/v1alpha1\n"
        + "kind: Release\n"
        + "metadata:\n"
        + "  name: " + name + "\n"
        + "spec:\n"
        + "  components:\n"
        + "  - name: kubernetes\n"
        + "    version: " + kubernetes + "\n"
        + "  - name: cluster-api-core\n"
        + "    version: 1.14.0\n"
        + "  - name: cluster-api-bootstrap-kubeadm\n"
        + "    version: 1.14.0\n"
        + "  - name: cluster-api-control-plane-kubeadm\n"
        + "    version: 1.14.0\n"
        + "  - name: cluster-api-provider-kvm\n"
        + "    version: 0.3.0\n"
        + "  date: \"2025-06-01T00:00:00Z\"\n"
        + "  state: " + state + "\n";
  }
}
