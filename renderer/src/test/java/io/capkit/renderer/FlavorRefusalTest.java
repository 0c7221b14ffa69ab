package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.flavor.FlavorRules;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.source.SourceTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every combination the compatibility matrix refuses is reported on spec.flavor with its reason, and nothing is rendered. */
class FlavorRefusalTest {
  private static final String WC = "management-clusters/mc-berlin/organizations/initech/workload-clusters/hybrid/cluster.yaml";
  private static final String AT = "fleet/" + WC + ": ";

  private static List<String> render(String spec) {
    Map<String, String> fleet = text(RepoFiles.exampleFleet());
    fleet.put(WC, "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata: {name: hybrid}\nspec:\n" + spec);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Renderer.standard().render(
        MemoryTree.ofText("fleet", fleet), "fleet", RepoFiles.releases(), "releases"));
    return e.problems().stream().map(Problem::format).toList();
  }

  private static Map<String, String> text(SourceTree tree) {
    Map<String, String> m = new TreeMap<>();
    tree.files().forEach(f -> m.put(f, new String(tree.read(f).orElseThrow(), StandardCharsets.UTF_8)));
    return m;
  }

  @Test
  void byohOnAV1beta2ReleaseIsRefusedBecauseByohServesOnlyV1beta1() {
    assertEquals(List.of(AT + "spec.flavor: flavor byoh-metal3 cannot run on release v1.1.0: release v1.1.0 follows "
        + "the CAPI v1beta2 contract (cluster-api-core 1.14.0); BYOH (v0.5.0, its newest release) serves only "
        + "infrastructure.cluster.x-k8s.io/v1beta1 and follows the v1beta1 contract"),
        render("  release: v1.1.0\n  flavor: byoh-metal3\n  controlPlaneEndpoint: {host: 192.168.10.20}\n"));
  }

  @Test
  void kvmControlPlanesAreRefusedOnTheV1beta1Release() {
    String reason = "release v0.9.0 follows the CAPI v1beta1 contract (cluster-api-core 1.10.7); capkit's KVM "
        + "provider implements only the CAPI v1beta2 contract";
    assertEquals(List.of(AT + "spec.flavor: flavor kvm cannot run on release v0.9.0: " + reason),
        render("  release: v0.9.0\n  flavor: kvm\n"));
    assertEquals(List.of(AT + "spec.flavor: flavor kvm-metal3 cannot run on release v0.9.0: " + reason),
        render("  release: v0.9.0\n  flavor: kvm-metal3\n"));
  }

  @Test
  void nestedControlPlaneWithMetal3WorkersIsRefusedWithTheSeedsReason() {
    assertEquals(List.of(AT + "spec.flavor: flavor nested-metal3 is refused: a Nested control "
        + "plane cannot take Metal3 workers; it publishes no cluster-info ConfigMap in kube-public and no RBAC for "
        + "kubeadm join, and it has no scheduler, so joined nodes would never get pods"),
        render("  release: v1.1.0\n  flavor: nested-metal3\n"));
  }

  @Test
  void vclusterWithoutPrivateNodesIsRefused() {
    assertEquals(List.of(AT + "spec.flavor: flavor vcluster-metal3 is refused: vcluster joins real "
        + "nodes only with its paid private-nodes feature; without it the Cluster waits forever for a control plane "
        + "machine with a nodeRef"), render("  release: v0.9.0\n  flavor: vcluster-metal3\n"));
  }

  @Test
  void kamajiNeedsAnAddressForItsLoadBalancer() {
    assertEquals(List.of(AT + "spec.controlPlaneEndpoint.host: flavor kamaji-metal3 serves the API from a Kamaji "
        + "Service whose address is the endpoint host, so it must be an IPv4 address, got hybrid.k8s.metal.initech.example"),
        render("  release: v1.1.0\n  flavor: kamaji-metal3\n"));
  }

  @Test
  void metal3FlavorsNeedTheNodeImage() {
    Map<String, String> fleet = text(RepoFiles.exampleFleet());
    String org = "management-clusters/mc-berlin/organizations/initech/defaults.yaml";
    fleet.put(org, fleet.get(org).replaceAll("(?m)^  METAL3_IMAGE_(URL|CHECKSUM):.*\n", ""));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Renderer.standard().render(
        MemoryTree.ofText("fleet", fleet), "fleet", RepoFiles.releases(), "releases"));
    List<String> p = e.problems().stream().map(Problem::format)
        .filter(s -> s.contains("/edge-metal/")).toList();
    String edge = "fleet/management-clusters/mc-berlin/organizations/initech/workload-clusters/edge-metal/cluster.yaml: ";
    assertEquals(List.of(
        edge + "spec.variables.METAL3_IMAGE_CHECKSUM: is required by flavor metal3 (the node image Metal3 writes to "
            + "the bare-metal hosts)",
        edge + "spec.variables.METAL3_IMAGE_URL: is required by flavor metal3 (the node image Metal3 writes to the "
            + "bare-metal hosts)"), p);
    assertEquals(4, e.problems().size() / 2, "each of the four initech clusters misses both: " + e.problems());
  }

  @Test
  void badHostSelectorIsAContractProblem() {
    List<String> p = render("  release: v1.1.0\n  flavor: metal3\n  controlPlaneEndpoint: {host: 10.0.0.1}\n"
        + "  variables: {METAL3_HOST_SELECTOR: \"pool=edge,rack\"}\n");
    assertEquals(List.of(AT + "spec.variables.METAL3_HOST_SELECTOR: \"rack\" is not key=value (labels are written "
        + "k1=v1,k2=v2)"), p);
  }

  @Test
  void everyRefusedMatrixCombinationIsRefusedByTheRenderer() {
    io.capkit.api.flavor.CompatibilityMatrix matrix = io.capkit.api.flavor.CompatibilityMatrix.standard();
    ReleaseCatalog catalog = ReleaseCatalog.read(RepoFiles.releases(), "releases");
    Flavors flavors = Flavors.standard();
    FlavorRules rules = new FlavorRules(matrix);
    int refused = 0;
    for (ReleaseInfo release : catalog.all()) {
      String contract = ReleaseContract.of(release, matrix).contract();
      for (var f : matrix.flavors()) {
        var verdict = matrix.verdict(f.name(), contract);
        // The renderer implements what the matrix supports; a flavor refused under every contract is refused, with
        // its reason, by WorkloadClusterRules before any release is looked at.
        assertEquals(f.refused() == null, flavors.find(f.name()).isPresent(), f.name() + " implemented");
        assertEquals(f.refused() == null, io.capkit.api.fleet.WorkloadClusterRules.FLAVORS.contains(f.name()), f.name());
        assertEquals(!verdict.supported(), rules.refusal(f.name(), release.name(), release.components()).isPresent(),
            f.name() + " on " + release.name());
        refused += verdict.supported() ? 0 : 1;
      }
    }
    assertEquals(true, refused >= 3 * 5, "refusals were exercised: " + refused);
  }

  @Test
  void kubeVipNeedsAnAddressAndTheApiServerPortUnlessTheLoadBalancerIsExternal() {
    assertEquals(List.of(AT + "spec.controlPlaneEndpoint.host: must be an IPv4 address: kube-vip "
        + "(CONTROL_PLANE_LOAD_BALANCER=kube-vip) announces the endpoint address from the control plane machines, got "
        + "hybrid.k8s.metal.initech.example; set an address, or CONTROL_PLANE_LOAD_BALANCER=external when a load "
        + "balancer serves this name"), render("  release: v1.1.0\n  flavor: metal3\n"));
    assertEquals(List.of(AT + "spec.controlPlaneEndpoint.port: must be 6443 with kube-vip (CONTROL_PLANE_LOAD_BALANCER"
        + "=kube-vip): kube-vip forwards no ports and kubeadm's API servers listen on 6443, got 8443; use "
        + "CONTROL_PLANE_LOAD_BALANCER=external for another port"),
        render("  release: v1.2.0\n  flavor: kvm-metal3\n  controlPlaneEndpoint: {host: 10.0.0.1, port: 8443}\n"));
    // With an external load balancer the same cluster renders, without kube-vip.
    Map<String, String> fleet = text(RepoFiles.exampleFleet());
    fleet.put(WC, "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata: {name: hybrid}\nspec:\n"
        + "  release: v1.1.0\n  flavor: metal3\n  variables: {CONTROL_PLANE_LOAD_BALANCER: external}\n");
    RenderResult r = Renderer.standard().render(MemoryTree.ofText("fleet", fleet), "fleet", RepoFiles.releases(),
        "releases");
    KubeObject kcp = r.clusters().stream().filter(c -> c.source().name().equals("hybrid")).findFirst().orElseThrow()
        .objects().stream().filter(o -> o.kind().equals("KubeadmControlPlane")).findFirst().orElseThrow();
    assertTrue(!((Map<?, ?>) kcp.document().get("spec")).toString().contains("kube-vip"), "no kube-vip: " + kcp);
  }

  @Test
  void kamajiNodePortNeedsNodePorts() {
    assertEquals(List.of(AT + "spec.controlPlaneEndpoint.port: must be in the NodePort range 30000-32767 with "
        + "KAMAJI_SERVICE_TYPE=NodePort: Kamaji uses the tenant control plane's port, which capkit sets to the endpoint "
        + "port, as the Service's node port; got 6443", AT + "spec.variables.KAMAJI_KONNECTIVITY_PORT: must be in the "
        + "NodePort range 30000-32767 with KAMAJI_SERVICE_TYPE=NodePort: Kamaji uses it as the Konnectivity node port; "
        + "got 8132"), render("  release: v1.1.0\n  flavor: kamaji-metal3\n  controlPlaneEndpoint: {host: 10.0.0.1}\n"
        + "  variables: {KAMAJI_SERVICE_TYPE: NodePort}\n"));
  }

  @Test
  void explainSaysHowByohHostsGetKubernetes() {
    Explanation e = Renderer.standard().explain(RepoFiles.exampleFleet(), "fleet", RepoFiles.releases(), "releases",
        "initech/hybrid");
    Explanation.Row row = e.rows().stream().filter(r -> r.name().equals("byohHostPreparation")).findFirst().orElseThrow();
    assertEquals("skip-installation", row.value());
    assertEquals("skip-installation: the BYOH v0.5.0 installer supports only Kubernetes 1.24, 1.25, 1.26 on Ubuntu "
        + "20.04 x86-64, so hosts must come with kubeadm, kubelet and containerd for v1.32.9 installed and run the agent "
        + "with --skip-installation", row.origin());
    assertTrue(e.table().contains("byohHostPreparation"), e.table());
  }
}
