package io.capkit.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.YamlDocuments;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** capkit's CRDs on a real API server: accepted as structural schemas, and a sample of each kind round-trips. */
@ExtendWith(KubeApiServerExtension.class)
class CapkitCrdsIT {
  private static final String SAMPLES = """
      apiVersion: fleet.capkit.io/v1alpha1
      kind: WorkloadCluster
      metadata: {name: dev-1, namespace: default}
      spec:
        release: v1.2.0
        flavor: kvm
        controlPlaneEndpoint: {host: dev-1.k8s.example.com, port: 6443}
        variables: {WORKER_MACHINE_COUNT: 5, POD_IP_RANGE: 10.10.0.0/16, WORKER_MACHINE_MEMORY: 16Gi}
      ---
      apiVersion: release.capkit.io/v1alpha1
      kind: Release
      metadata: {name: v1.2.0}
      spec:
        apps:
        - {name: calico, version: 0.2.0, componentVersion: 3.30.0, chart: {repository: "oci://charts.example.com/capkit", name: calico}}
        components:
        - {name: kubernetes, version: 1.33.4}
        - {name: cluster-api-core, version: 1.14.2, releaseOperatorDeploy: true}
        date: "2026-10-01T12:00:00Z"
        state: active
      ---
      apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1
      kind: KVMCluster
      metadata: {name: dev-1, namespace: default}
      spec:
        controlPlaneEndpoint: {host: dev-1.k8s.example.com, port: 6443}
        hosts: [{name: host-a, uri: "test:///default", controlPlane: true}]
      ---
      apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1
      kind: KVMClusterTemplate
      metadata: {name: kvm-default, namespace: default}
      spec:
        template: {spec: {hosts: [{name: host-a, uri: "qemu+ssh://host-a/system"}]}}
      ---
      apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1
      kind: KVMMachineTemplate
      metadata: {name: dev-1-worker-0123abcd, namespace: default}
      spec:
        template:
          metadata:
            labels: {node-role.example.com/worker: "", tier: batch}
            annotations: {example.com/owner: team-a}
          spec:
            cpus: 4
            memory: 8192Mi
            volumes: {rootSizeGB: 40, dockerSizeGB: 40}
            dnsServers: [10.0.0.53]
      ---
      apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1
      kind: KVMMachine
      metadata: {name: dev-1-worker-x7k2p, namespace: default}
      spec:
        providerID: kvm://host-a/6f1c2a9e-7d3b-5c4e-9a1f-2b3c4d5e6f70
        failureDomain: host-a
        cpus: 2
        memory: 4096Mi
        image: {pool: default, volume: ubuntu-24.04.qcow2}
        volumes: {rootSizeGB: 20, dockerSizeGB: 10, kubeletSizeGB: 10}
      """;

  @Test
  void capkitCrdsAreStructuralAndEstablished(KubernetesClient client) {
    List<String> names = client.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
        .map(c -> c.getMetadata().getName()).toList();
    for (String n : List.of("workloadclusters.fleet.capkit.io", "releases.release.capkit.io",
        "kvmclusters.infrastructure.cluster.x-k8s.io", "kvmmachines.infrastructure.cluster.x-k8s.io",
        "kvmmachinetemplates.infrastructure.cluster.x-k8s.io", "kvmclustertemplates.infrastructure.cluster.x-k8s.io",
        "clusters.cluster.x-k8s.io", "helmreleases.helm.toolkit.fluxcd.io", "metal3clusters.infrastructure.cluster.x-k8s.io",
        "kamajicontrolplanes.controlplane.cluster.x-k8s.io", "byoclusters.infrastructure.cluster.x-k8s.io")) {
      assertTrue(names.contains(n), n + " is not installed");
    }
    CustomResourceDefinition kvm = client.apiextensions().v1().customResourceDefinitions()
        .withName("kvmmachines.infrastructure.cluster.x-k8s.io").get();
    assertTrue(kvm.getStatus().getConditions().stream().noneMatch(
        c -> "NonStructuralSchema".equals(c.getType()) && "True".equals(c.getStatus())), "non-structural schema");
    assertEquals("v1alpha1", kvm.getMetadata().getLabels().get("cluster.x-k8s.io/v1beta2"));
    assertEquals("infrastructure-kvm", kvm.getMetadata().getLabels().get("cluster.x-k8s.io/provider"));
    assertEquals(List.of("cluster-api"), kvm.getSpec().getNames().getCategories());
  }

  /** status.conditions is a list-map keyed by type: the API server itself refuses a second entry of one type. */
  @Test
  void aConditionTypeListedTwiceIsRefused(KubernetesClient client) {
    GenericKubernetesResource m = Serialization.unmarshal("""
        {"apiVersion": "infrastructure.cluster.x-k8s.io/v1alpha1", "kind": "KVMMachine",
         "metadata": {"name": "twice", "namespace": "default"}, "spec": {"cpus": 1}}
        """, GenericKubernetesResource.class);
    GenericKubernetesResource created = client.resource(m).create();
    Map<String, Object> ready = Map.of("type", "Ready", "status", "False", "reason", "WaitingForMachine",
        "message", "", "lastTransitionTime", "2026-12-06T10:00:00Z");
    Map<String, Object> readyAgain = Map.of("type", "Ready", "status", "True", "reason", "Provisioned",
        "message", "", "lastTransitionTime", "2026-12-06T10:01:00Z");
    created.setAdditionalProperty("status", Map.of("conditions", List.of(ready, readyAgain)));
    KubernetesClientException e = assertThrows(KubernetesClientException.class,
        () -> client.resource(created).updateStatus());
    assertEquals(422, e.getCode());
    assertTrue(e.getMessage().contains("status.conditions[1]") && e.getMessage().contains("Duplicate value"),
        e.getMessage());
    created.setAdditionalProperty("status", Map.of("conditions", List.of(ready)));
    GenericKubernetesResource back = client.resource(created).updateStatus();
    assertEquals(List.of(ready), ((Map<?, ?>) back.getAdditionalProperties().get("status")).get("conditions"));
  }

  @Test
  void everyKindRoundTripsWithServerSideApply(KubernetesClient client, EmbeddedApiServer server) {
    List<Object> docs = YamlDocuments.loadAll("samples", SAMPLES);
    assertEquals(6, docs.size());
    server.clearWarnings();
    ServerSideApply ssa = new ServerSideApply(client, "capkit-test");
    for (Object doc : docs) {
      GenericKubernetesResource sent = Serialization.unmarshal(Serialization.asJson(doc), GenericKubernetesResource.class);
      GenericKubernetesResource dry = ssa.apply(doc, true);
      assertEquals(sent.getAdditionalProperties().get("spec"), dry.getAdditionalProperties().get("spec"),
          sent.getKind() + ": dry run pruned or defaulted the spec");
      assertTrue(ssa.get(doc) == null, sent.getKind() + ": dry run must not persist");
      ssa.apply(doc, false);
      GenericKubernetesResource back = ssa.get(doc);
      assertEquals(sent.getAdditionalProperties().get("spec"), back.getAdditionalProperties().get("spec"),
          sent.getKind() + ": the API server pruned or changed the spec");
      assertTrue(Objects.equals(sent.getMetadata().getName(), back.getMetadata().getName()));
    }
    assertEquals(List.of(), server.warnings(), "the API server sent warnings");
  }

  @Test
  void unknownVariablesReachAdmissionInsteadOfBeingPruned(KubernetesClient client) {
    Map<String, Object> wc = Map.of("apiVersion", "fleet.capkit.io/v1alpha1", "kind", "WorkloadCluster",
        "metadata", Map.of("name", "typo", "namespace", "default"),
        "spec", Map.of("release", "v1.2.0", "variables", Map.of("WORKER_MACHINE_CUONT", 3)));
    GenericKubernetesResource r = Serialization.unmarshal(Serialization.asJson(wc), GenericKubernetesResource.class);
    GenericKubernetesResource back = client.resource(r).create();
    @SuppressWarnings("unchecked")
    Map<String, Object> vars = (Map<String, Object>) ((Map<String, Object>) back.getAdditionalProperties().get("spec"))
        .get("variables");
    assertEquals(3, vars.get("WORKER_MACHINE_CUONT"));
  }
}
