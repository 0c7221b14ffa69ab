package io.capkit.provider.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterSpec;
import io.capkit.api.infra.KVMClusterStatus;
import io.capkit.api.infra.KVMHost;
import io.capkit.provider.runtime.Conditions;
import io.capkit.provider.runtime.ProviderConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvmClusterStatusTest {
  private static final Instant NOW = Instant.parse("2025-03-01T00:00:00Z");

  static KVMHost host(String name, Boolean cp) {
    KVMHost h = new KVMHost();
    h.setName(name);
    h.setUri("qemu+ssh://" + name + "/system");
    h.setControlPlane(cp);
    return h;
  }

  static KVMCluster cluster(List<KVMHost> hosts, String endpointHost) {
    KVMCluster kc = new KVMCluster();
    kc.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("c1").withGeneration(2L).build());
    KVMClusterSpec spec = new KVMClusterSpec();
    spec.setHosts(hosts);
    if (endpointHost != null) {
      ApiEndpoint ep = new ApiEndpoint();
      ep.setHost(endpointHost);
      ep.setPort(6443);
      spec.setControlPlaneEndpoint(ep);
    }
    kc.setSpec(spec);
    return kc;
  }

  @Test
  void hostsBecomeAFailureDomainListAndEndpointMakesItProvisioned() {
    KVMClusterStatus s = KvmClusterReconciler.status(cluster(List.of(host("kvm-b", false), host("kvm-a", null)),
        "api.example.org"), null, ProviderConfig.defaults(), NOW);
    assertEquals(List.of("kvm-a", "kvm-b"), s.getFailureDomains().stream().map(f -> f.getName()).toList());
    assertEquals(List.of(true, false), s.getFailureDomains().stream().map(f -> f.getControlPlane()).toList());
    assertTrue(s.getInitialization().getProvisioned());
    assertEquals("Provisioned", Conditions.get(s.getConditions(), "Ready").getReason());
    assertEquals(2L, s.getObservedGeneration());
  }

  @Test
  void noHostsMeansTheProviderDefaultHost() {
    KVMClusterStatus s = KvmClusterReconciler.status(cluster(null, null), null, ProviderConfig.defaults(), NOW);
    assertEquals(List.of("default"), s.getFailureDomains().stream().map(f -> f.getName()).toList());
    assertNull(s.getInitialization());
    assertEquals("WaitingForControlPlaneEndpoint", Conditions.get(s.getConditions(), "Ready").getReason());
  }

  @Test
  void invalidHostsAreReportedWithPaths() {
    KVMClusterStatus s = KvmClusterReconciler.status(cluster(List.of(host("a", false), host("a", false),
        host("Bad_Name", false)), "api"), null, ProviderConfig.defaults(), NOW);
    String m = Conditions.get(s.getConditions(), "Ready").getMessage();
    assertTrue(m.contains("spec.hosts[1].name: \"a\" is used twice"), m);
    assertTrue(m.contains("spec.hosts[2].name: \"Bad_Name\" is not a DNS-1123 label"), m);
    assertTrue(m.contains("spec.hosts: no host allows control-plane machines"), m);
  }

  @Test
  void clusterEventsGoToTheKvmClusterItsInfrastructureRefNames() {
    io.fabric8.kubernetes.api.model.GenericKubernetesResource c =
        new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    c.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("cluster-a").build());
    c.setAdditionalProperty("spec", java.util.Map.of("infrastructureRef", java.util.Map.of(
        "apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMCluster", "name", "kc-a")));
    assertEquals(java.util.Set.of(new io.javaoperatorsdk.operator.processing.event.ResourceID("kc-a", "ns")),
        KvmClusterReconciler.kvmClusterOf(c));
    c.setAdditionalProperty("spec", java.util.Map.of("infrastructureRef", java.util.Map.of(
        "apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "Metal3Cluster", "name", "kc-a")));
    assertEquals(java.util.Set.of(), KvmClusterReconciler.kvmClusterOf(c), "another provider's cluster");
  }
}
