package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.source.SourceTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's tenant inputs as an organization writes them into its folder of the example fleet: the renderer (and
 * so {@code capkit validate}) refuses each with the file and the field path, and renders nothing.
 */
class HostileTenantRenderTest {
  static final String WC = "management-clusters/mc-berlin/organizations/acme/workload-clusters/staging/cluster.yaml";
  static final String ORG = "management-clusters/mc-berlin/organizations/acme/defaults.yaml";
  static final String HOSTS = "management-clusters/mc-berlin/hosts/";
  static final String HEAD = "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\n"
      + "metadata: {name: staging}\nspec:\n  release: v1.1.0\n  variables:\n";

  static Map<String, String> text(SourceTree tree) {
    Map<String, String> m = new TreeMap<>();
    tree.files().forEach(f -> m.put(f, new String(tree.read(f).orElseThrow(), StandardCharsets.UTF_8)));
    return m;
  }

  static List<String> problems(Map<String, String> fleetChanges, Map<String, String> releaseChanges) {
    Map<String, String> fleet = text(RepoFiles.exampleFleet());
    Map<String, String> releases = text(RepoFiles.releases());
    fleet.putAll(fleetChanges);
    releases.putAll(releaseChanges);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Renderer.standard().render(
        MemoryTree.ofText("fleet", fleet), "fleet", MemoryTree.ofText("releases", releases), "releases"));
    return e.problems().stream().map(Problem::format).toList();
  }

  static List<String> staging(String variables) {
    return problems(Map.of(WC, HEAD + variables), Map.of());
  }

  @Test
  void item2AnotherTenantsDiskAsBaseImageIsRefused() {
    assertEquals(List.of("fleet/" + WC + ": spec.variables.KVM_BASE_IMAGE: \"org-globex.analytics-cp-x7k2p-root.qcow2\""
        + " is not a base image of host default (allowed: [ubuntu-24.04-kubeadm.qcow2])"),
        staging("    KVM_BASE_IMAGE: org-globex.analytics-cp-x7k2p-root.qcow2\n"));
  }

  @Test
  void hostsArePickedByNameOnlyFromThoseThatAllowTheNamespace() {
    // kvm-berlin-1 selects namespaces labelled capkit.io/tier=gold: offline a namespace has only its name label.
    assertEquals(List.of("fleet/" + WC + ": spec.variables.KVM_HOSTS: KVMHost \"kvm-berlin-1\" does not allow "
        + "namespace org-acme"), staging("    KVM_HOSTS: default,kvm-berlin-1\n"));
    assertEquals(List.of("fleet/" + WC + ": spec.variables.KVM_HOSTS: no KVMHost named \"ghost\""),
        staging("    KVM_HOSTS: ghost\n"));
    List<String> uri = staging("    KVM_HOSTS: \"qemu+ssh://evil/system?command=/opt/x\"\n");
    assertEquals(1, uri.size(), uri.toString());
    assertTrue(uri.get(0).startsWith("fleet/" + WC + ": spec.variables.KVM_HOSTS: host "), uri.get(0));
  }

  @Test
  void item3HostFilesAreCheckedByTheAdminRules() {
    String bad = "apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1\nkind: KVMHost\nmetadata: {name: evil}\n"
        + "spec:\n  uri: \"test:///etc/shadow\"\n  storagePool: default-pool\n  network: default\n"
        + "  sharedDirectories: [{path: /, writable: true}]\n  allowedNamespaces: {list: [kube-system]}\n";
    List<String> p = problems(Map.of(HOSTS + "evil.yaml", bad), Map.of());
    String file = "fleet/" + HOSTS + "evil.yaml: ";
    assertEquals(3, p.size(), p.toString());
    assertTrue(p.get(0).startsWith(file + "spec.allowedNamespaces.list[0]: \"kube-system\" is exempt"), p.get(0));
    assertEquals(file + "spec.sharedDirectories[0].path: \"/\" would share the whole host file system", p.get(1));
    assertTrue(p.get(2).startsWith(file + "spec.uri: \"test:///etc/shadow\": the test driver is allowed only as "
        + "test:///default"), p.get(2));
  }

  @Test
  void item10ClusterInAnExemptNamespaceIsRefused() {
    List<String> p = problems(Map.of(ORG, "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\n"
        + "namespace: kube-system\n"), Map.of());
    assertEquals(2, p.size(), p.toString());
    for (String s : p) {
      assertTrue(s.contains(": metadata.namespace: \"kube-system\" is exempt from the admission webhooks"), s);
    }
  }

  @Test
  void item10HttpChartRepositoryIsRefusedLikeTheWebhookDoes() {
    String release = text(RepoFiles.releases()).get("v1.1.0/release.yaml")
        .replace("https://helm.cilium.io", "http://helm.cilium.io");
    assertEquals(List.of("releases/v1.1.0/release.yaml: spec.apps[0].chart.repository: \"http://helm.cilium.io\" is "
        + "not an https:// or oci:// URL"), problems(Map.of(), Map.of("v1.1.0/release.yaml", release)));
  }

  @Test
  void item10MemoryIsCappedLikeCpus() {
    assertEquals(List.of("fleet/" + WC + ": spec.variables.WORKER_MACHINE_MEMORY: \"8000000Ti\" is more than 16Ti, "
        + "the most a machine may have"), staging("    WORKER_MACHINE_MEMORY: 8000000Ti\n"));
  }
}
