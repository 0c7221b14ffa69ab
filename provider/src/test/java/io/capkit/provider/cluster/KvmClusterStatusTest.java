package io.capkit.provider.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterSpec;
import io.capkit.api.infra.KVMClusterStatus;
import io.capkit.api.infra.AllowedNamespaces;
import io.capkit.api.infra.HostCatalog;
import io.capkit.api.infra.KVMClusterHost;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.provider.runtime.Conditions;
import java.util.Map;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvmClusterStatusTest {
  private static final Instant NOW = Instant.parse("2025-03-01T00:00:00Z");

  static KVMClusterHost host(String name, Boolean cp) {
    KVMClusterHost h = new KVMClusterHost();
    h.setName(name);
    h.setControlPlane(cp);
    return h;
  }

  /** An admin's KVMHost that lets namespace "ns" in. */
  static KVMHostSpec admin(String name) {
    KVMHostSpec h = new KVMHostSpec();
    h.setUri("qemu+ssh://" + name + "/system");
    h.setStoragePool("vms");
    h.setNetwork("br0");
    AllowedNamespaces a = new AllowedNamespaces();
    a.setList(List.of("ns"));
    h.setAllowedNamespaces(a);
    return h;
  }

  static final ClusterHosts HOSTS = new ClusterHosts(HostCatalog.of(Map.of("kvm-a", admin("kvm-a"), "kvm-b",
      admin("kvm-b"), "a", admin("a"), "default", admin("default"))), null);

  static KVMCluster cluster(List<KVMClusterHost> hosts, String endpointHost) {
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
        "api.example.org"), null, HOSTS, NOW);
    assertEquals(List.of("kvm-a", "kvm-b"), s.getFailureDomains().stream().map(f -> f.getName()).toList());
    assertEquals(List.of(true, false), s.getFailureDomains().stream().map(f -> f.getControlPlane()).toList());
    assertTrue(s.getInitialization().getProvisioned());
    assertEquals("Provisioned", Conditions.get(s.getConditions(), "Ready").getReason());
    assertEquals(2L, s.getObservedGeneration());
  }

  @Test
  void noHostsMeansTheKvmHostNamedDefault() {
    KVMClusterStatus s = KvmClusterReconciler.status(cluster(null, null), null, HOSTS, NOW);
    assertEquals(List.of("default"), s.getFailureDomains().stream().map(f -> f.getName()).toList());
    assertNull(s.getInitialization());
    assertEquals("WaitingForControlPlaneEndpoint", Conditions.get(s.getConditions(), "Ready").getReason());
  }

  @Test
  void invalidHostsAreReportedWithPaths() {
    KVMClusterStatus s = KvmClusterReconciler.status(cluster(List.of(host("a", false), host("a", false),
        host("Bad_Name", false)), "api"), null, HOSTS, NOW);
    String m = Conditions.get(s.getConditions(), "Ready").getMessage();
    assertTrue(m.contains("spec.hosts[1].name: \"a\" is listed twice"), m);
    assertTrue(m.contains("spec.hosts[2].name: \"Bad_Name\" is not a DNS-1123 label"), m);
    KVMClusterStatus workersOnly = KvmClusterReconciler.status(cluster(List.of(host("a", false)), "api"), null,
        HOSTS, NOW);
    assertEquals("spec.hosts: no host takes control-plane machines (controlPlane: false on all)",
        Conditions.get(workersOnly.getConditions(), "Ready").getMessage());
  }

  @Test
  void aHostTheNamespaceMayNotUseIsRefusedByNameWithoutItsDetails() {
    KVMCluster other = cluster(List.of(host("kvm-a", null), host("kvm-z", null)), "api");
    other.getMetadata().setNamespace("org-globex");
    KVMClusterStatus s = KvmClusterReconciler.status(other, null, HOSTS, NOW);
    assertEquals("InvalidSpec", Conditions.get(s.getConditions(), "Ready").getReason());
    assertEquals("spec.hosts[0].name: KVMHost \"kvm-a\" does not allow namespace org-globex; "
        + "spec.hosts[1].name: no KVMHost named \"kvm-z\"", Conditions.get(s.getConditions(), "Ready").getMessage());
    assertNull(s.getFailureDomains());
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

  /**
   * The reconciler emitted the InvalidSpec warning on every reconcile (every 30 s while the host stayed unusable);
   * now only when the cluster becomes invalid or its problem changes.
   */
  @Test
  void invalidSpecWarningOnlyOnChange() {
    KVMCluster kc = cluster(List.of(host("no-such-host", null)), null);
    KVMClusterStatus first = KvmClusterReconciler.status(kc, null, HOSTS, NOW);
    String message = Conditions.get(first.getConditions(), "Ready").getMessage();
    assertEquals(java.util.Optional.of(message), KvmClusterReconciler.invalidSpecWarning(null, first));
    kc.setStatus(first);
    KVMClusterStatus again = KvmClusterReconciler.status(kc, null, HOSTS, NOW.plusSeconds(30));
    assertEquals(io.fabric8.kubernetes.client.utils.Serialization.asJson(first),
        io.fabric8.kubernetes.client.utils.Serialization.asJson(again), "same status: no write");
    assertTrue(KvmClusterReconciler.invalidSpecWarning(first, again).isEmpty(), "same problem: no new warning");
    kc.getSpec().setHosts(List.of(host("other-missing", null)));
    KVMClusterStatus changed = KvmClusterReconciler.status(kc, null, HOSTS, NOW.plusSeconds(60));
    assertTrue(KvmClusterReconciler.invalidSpecWarning(again, changed).isPresent(), "a new problem is warned");
    kc.getSpec().setHosts(List.of(host("kvm-a", null)));
    KVMClusterStatus fixed = KvmClusterReconciler.status(kc, null, HOSTS, NOW.plusSeconds(90));
    assertTrue(KvmClusterReconciler.invalidSpecWarning(changed, fixed).isEmpty(), "valid: no warning");
  }
}
