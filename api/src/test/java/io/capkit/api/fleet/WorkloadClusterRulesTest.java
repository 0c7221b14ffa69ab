package io.capkit.api.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadClusterRulesTest {
  private final WorkloadClusterRules rules = new WorkloadClusterRules(Contract.standard());

  static Map<String, Object> cluster(Map<String, Object> variables) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("release", "v29.1.0");
    spec.put("flavor", "kvm");
    if (variables != null) {
      spec.put("variables", variables);
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("apiVersion", "fleet.capkit.io/v1alpha1");
    tree.put("kind", "WorkloadCluster");
    tree.put("metadata", Map.of("name", "prod-eu1", "namespace", "org-acme"));
    tree.put("spec", spec);
    return tree;
  }

  private List<String> problems(Map<String, Object> tree) {
    return rules.validateTree(tree).stream().map(Problem::format).toList();
  }

  @Test
  void defaultsAreTheContractsMinusWhatIsSetAndWhatCapkitDerives() {
    Map<String, Object> missing = rules.missingDefaults(Map.of("WORKER_MACHINE_COUNT", 5));
    assertEquals(Contract.standard().defaults().size() - 1, missing.size());
    assertTrue(!missing.containsKey("WORKER_MACHINE_COUNT") && !missing.containsKey("NAMESPACE"));
    assertEquals("172.24.0.0/16", missing.get("POD_IP_RANGE"));
    assertEquals(5, rules.withDefaults(Map.of("WORKER_MACHINE_COUNT", 5)).get("WORKER_MACHINE_COUNT"));
    assertEquals(Contract.standard().defaults(), rules.withDefaults(null));
  }

  @Test
  void aValidClusterHasNoProblems() {
    assertEquals(List.of(), problems(cluster(Map.of("WORKER_MACHINE_COUNT", 5, "BASE_DOMAIN", "acme.example",
        "CONTROL_PLANE_LOAD_BALANCER", "external"))));
    assertEquals(List.of("spec.controlPlaneEndpoint: is required when BASE_DOMAIN is not set (set "
        + "spec.controlPlaneEndpoint, or BASE_DOMAIN in the cluster, organization or management cluster defaults)"),
        problems(cluster(null)), "the renderer cannot render a cluster without an endpoint, so nobody admits one");
  }

  @Test
  void variableProblemsCarryTheFullPath() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("POD_IP_RANGE", "10.0.0.0/33");
    v.put("CONTROL_PLANE_MACHINE_COUNT", 2);
    v.put("KUBERNETES_VERSION", "v1.33.4");
    assertEquals(List.of(
        "spec.variables.CONTROL_PLANE_MACHINE_COUNT: must be odd so that stacked etcd keeps quorum, got 2",
        "spec.variables.KUBERNETES_VERSION: is set by capkit from release; remove it from variables",
        "spec.variables.POD_IP_RANGE: 10.0.0.0/33 is not a CIDR (prefix length must be 0-32)"), problems(cluster(v)));
  }

  @Test
  void overlapWithADefaultIsFound() {
    assertEquals(List.of("spec.variables.SERVICE_IP_RANGE: 172.31.0.0/16 overlaps POD_IP_RANGE 172.16.0.0/12"),
        problems(cluster(Map.of("POD_IP_RANGE", "172.16.0.0/12"))));
  }

  @Test
  void specFieldsAreChecked() {
    Map<String, Object> tree = cluster(null);
    @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) tree.get("spec");
    spec.put("release", "latest");
    spec.put("flavor", "nested");
    spec.put("controlPlaneEndpoint", Map.of("host", "", "port", 70000));
    assertEquals(List.of(
        "spec.controlPlaneEndpoint.host: is required",
        "spec.controlPlaneEndpoint.port: must be 1-65535, got 70000",
        "spec.flavor: \"nested\" is not a flavor; one of [byoh-metal3, kamaji-metal3, kvm, kvm-metal3, metal3]",
        "spec.release: \"latest\" is not a release name (vX.Y.Z, e.g. v29.1.0)"), problems(tree));
  }

  @Test
  void refusedFlavorsCarryTheMatrixReasonInAdmissionToo() {
    Map<String, Object> tree = cluster(null);
    @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) tree.get("spec");
    spec.put("flavor", "nested-metal3");
    List<String> p = problems(tree);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("spec.flavor: flavor nested-metal3 is refused: a Nested control plane cannot take "
        + "Metal3 workers; it publishes no cluster-info ConfigMap"), p.get(0));
  }

  @Test
  void unknownFieldsAndWrongTypesAreReportedByPath() {
    Map<String, Object> tree = cluster(null);
    @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) tree.get("spec");
    spec.put("relase", "v1.0.0");
    assertEquals(List.of("spec.relase: unknown field"), problems(tree));
    spec.remove("relase");
    spec.put("controlPlaneEndpoint", "host:6443");
    assertEquals(1, problems(tree).size());
    assertTrue(problems(tree).get(0).startsWith("spec.controlPlaneEndpoint: "), problems(tree).toString());
  }

  @Test
  void endpointRulesUseTheObjectsValuesOverTheContractDefaults() {
    Map<String, Object> tree = cluster(new LinkedHashMap<>(Map.of("CONTROL_PLANE_LOAD_BALANCER", "kube-vip")));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) tree.get("spec");
    spec.put("controlPlaneEndpoint", Map.of("host", "api.example.com"));
    assertEquals(List.of("spec.controlPlaneEndpoint.host: must be an IPv4 address: kube-vip (CONTROL_PLANE_LOAD_BALANCER"
        + "=kube-vip) announces the endpoint address from the control plane machines, got api.example.com; set an "
        + "address, or CONTROL_PLANE_LOAD_BALANCER=external when a load balancer serves this name"), problems(tree));
    // Without a choice in the object the contract's default, kube-vip, applies, as render applies it to a cluster
    // whose defaults files pick nothing: an object in the API carries what its fleet layers gave it.
    spec.put("variables", Map.of());
    assertEquals(1, problems(tree).size(), problems(tree).toString());
    spec.put("variables", Map.of("CONTROL_PLANE_LOAD_BALANCER", "external"));
    assertEquals(List.of(), problems(tree));
    spec.put("flavor", "kamaji-metal3");
    spec.put("controlPlaneEndpoint", Map.of("host", "10.0.0.5", "port", 6443));
    spec.put("variables", Map.of("KAMAJI_SERVICE_TYPE", "NodePort", "KAMAJI_KONNECTIVITY_PORT", 30132,
        "METAL3_IMAGE_URL", "https://images.example/node.raw",
        "METAL3_IMAGE_CHECKSUM", "https://images.example/node.raw.sha256sum"));
    assertEquals(List.of("spec.controlPlaneEndpoint.port: must be in the NodePort range 30000-32767 with "
        + "KAMAJI_SERVICE_TYPE=NodePort: Kamaji uses the tenant control plane's port, which capkit sets to the endpoint "
        + "port, as the Service's node port; got 6443"), problems(tree));
  }
}
