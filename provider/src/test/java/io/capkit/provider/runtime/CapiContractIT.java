package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static io.capkit.provider.runtime.CapiFixture.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineStatus;
import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.SharedBackend;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the real CAPI v1beta2 controllers read from the provider, against the real API server: where a machine runs
 * ({@code status.failureDomain}, honouring the placement CAPI chose in {@code Machine.spec.failureDomain}), one
 * condition per type, and every write recorded under the provider's own field manager.
 */
@ExtendWith(KubeApiServerExtension.class)
class CapiContractIT {
  private static final String NS = "capi-contract";
  private static final String STALE_NS = "capi-contract-stale";

  @TempDir
  static Path tmp;
  static KubernetesClient client;
  static LibvirtBackend h1;
  static LibvirtBackend h2;
  static String uri1;
  static String uri2;
  static KvmProvider provider;
  static CapiFixture f;

  @BeforeAll
  static void start(KubernetesClient apiClient) throws Exception {
    client = apiClient;
    uri1 = TestDriver.uri(tmp.resolve("h1"));
    uri2 = TestDriver.uri(tmp.resolve("h2"));
    h1 = JnaLibvirtBackend.open(uri1);
    h2 = JnaLibvirtBackend.open(uri2);
    LibvirtConnections connections = new LibvirtConnections(uri -> SharedBackend.of(uri.equals(uri1) ? h1 : h2));
    provider = KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0).withNamespaces(Set.of(NS)),
        client, connections);
    f = new CapiFixture(client, NS).cluster(List.of(host("h1", uri1), host("h2", uri2)), false);
    f.secret("boot");
  }

  @AfterAll
  static void stop() {
    if (provider != null) {
      provider.close();
    }
    h1.close();
    h2.close();
  }

  private static LibvirtBackend node(String host) {
    return host.equals("h1") ? h1 : h2;
  }

  /**
   * KCP (and a MachineSet with a failure domain) set Machine.spec.failureDomain and clone the infra machine from its
   * template, which carries no host: the provider places the machine there, even where spreading would not, and
   * reports it in status.failureDomain, which CAPI copies to Machine.status.failureDomain.
   */
  @Test
  void capiPlacementIsHonouredAndReportedInStatusFailureDomain() throws Exception {
    f.kvmMachine("spread", f.machine("spread", "boot", null));
    await("spread provisioned", () -> f.provisioned("spread"));
    KVMMachine spread = f.get("spread");
    String first = spread.getStatus().getFailureDomain();
    assertTrue(Set.of("h1", "h2").contains(first), first);
    assertEquals(first, spread.getSpec().getFailureDomain());
    assertEquals("kvm://" + first + "/" + MachineIdentity.of(NS, "spread").uuid(), spread.getSpec().getProviderID());

    // Spreading would put a second machine on the other host; CAPI asks for the same one.
    f.kvmMachine("placed", f.machine("placed", "boot", first));
    await("placed provisioned", () -> f.provisioned("placed"));
    KVMMachine placed = f.get("placed");
    MachineIdentity id = MachineIdentity.of(NS, "placed");
    assertEquals(first, placed.getStatus().getFailureDomain());
    assertEquals("kvm://" + first + "/" + id.uuid(), placed.getSpec().getProviderID());
    assertTrue(node(first).findDomain(id.uuid()).orElseThrow().active());
    String other = first.equals("h1") ? "h2" : "h1";
    assertTrue(node(other).findDomain(id.uuid()).isEmpty());

    // A third one without a placement goes to the emptier host: spreading still works, and is reported too.
    f.kvmMachine("third", f.machine("third", "boot", null));
    await("third provisioned", () -> f.provisioned("third"));
    assertEquals(other, f.get("third").getStatus().getFailureDomain());
    assertNotEquals(first, f.get("third").getStatus().getFailureDomain());
  }

  /** managedFields as the API server records them: the provider's writes are its own, not the client library's. */
  @Test
  void everyProviderWriteIsRecordedUnderItsFieldManager() throws Exception {
    f.kvmMachine("owned", f.machine("owned", "boot", null));
    await("owned provisioned", () -> f.provisioned("owned"));
    KVMMachine k = f.get("owned");
    Map<String, String> kvmManagers = managers(k);
    assertEquals("capkit-kvm-provider Apply", kvmManagers.get("status"), kvmManagers.toString());
    assertEquals("capkit-kvm-provider Update", kvmManagers.get("f:finalizers"), kvmManagers.toString());
    assertEquals("capkit-kvm-provider Update", kvmManagers.get("f:providerID"), kvmManagers.toString());

    KVMCluster kc = client.resources(KVMCluster.class).inNamespace(NS).withName(CapiFixture.CLUSTER).get();
    Map<String, String> clusterManagers = managers(kc);
    assertEquals("capkit-kvm-provider Apply", clusterManagers.get("status"), clusterManagers.toString());
    assertEquals("capkit-kvm-provider Update", clusterManagers.get("f:finalizers"), clusterManagers.toString());

    var provisioned = f.events("owned", "Provisioned");
    assertEquals(1, provisioned.size());
    assertEquals(Set.of("capkit-kvm-provider"), provisioned.get(0).getMetadata().getManagedFields().stream()
        .map(ManagedFieldsEntry::getManager).collect(Collectors.toSet()));
  }

  /**
   * The cause of KVMMachines listing a condition type twice: the framework's non-SSA status patch was a JSON Patch
   * diffed against the informer's (possibly stale) copy, without a resourceVersion. Replayed here with the same
   * client call: the list-map refuses it now; the provider's server-side apply of the same status is accepted and
   * leaves one entry per type.
   */
  @Test
  void aStatusFromAStaleCopyNeverListsATypeTwice() throws Exception {
    CapiFixture s = new CapiFixture(client, STALE_NS).cluster(List.of(), false);
    KVMMachine created = s.kvmMachine("s", null);
    KVMMachineStatus waiting = status(Map.of("Paused", "False", "Ready", "False"));
    StatusApply.apply(client, created, waiting, "test");
    KVMMachine stale = s.get("s");
    KVMMachineStatus provisioned = status(Map.of("DomainDefined", "True", "DomainRunning", "True", "Paused", "False",
        "Ready", "True", "SeedReady", "True", "VolumesReady", "True"));
    StatusApply.apply(client, created, provisioned, "test");

    KVMMachine edited = Serialization.clone(stale);
    edited.setStatus(provisioned);
    stale.getMetadata().setResourceVersion(null);
    edited.getMetadata().setResourceVersion(null);
    KubernetesClientException refused = assertThrows(KubernetesClientException.class,
        () -> client.resource(stale).editStatus(x -> edited));
    assertEquals(422, refused.getCode());
    assertTrue(refused.getMessage().contains("Duplicate value"), refused.getMessage());

    StatusApply.apply(client, created, provisioned, "test");
    List<String> types = s.get("s").getStatus().getConditions().stream().map(Condition::getType).toList();
    assertEquals(List.of("DomainDefined", "DomainRunning", "Paused", "Ready", "SeedReady", "VolumesReady"), types);
  }

  private static KVMMachineStatus status(Map<String, String> conditions) {
    List<Condition> list = conditions.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> Conditions.set(List.of(), e.getKey(), "True".equals(e.getValue()), "Test", "", 1,
            Instant.parse("2026-12-06T10:00:00Z")).get(0))
        .toList();
    KVMMachineStatus out = new KVMMachineStatus();
    out.setConditions(list);
    return out;
  }

  /**
   * Who owns what: "status" → the manager of the status subresource entry; "f:finalizers" / "f:providerID" → the
   * manager of the main-resource entry whose fields name it; as "manager operation".
   */
  private static Map<String, String> managers(HasMetadata o) {
    Map<String, String> out = new java.util.TreeMap<>();
    Set<String> seen = new TreeSet<>();
    for (ManagedFieldsEntry e : o.getMetadata().getManagedFields()) {
      String who = e.getManager() + " " + e.getOperation();
      seen.add(who + (e.getSubresource() == null ? "" : "/" + e.getSubresource()));
      if ("status".equals(e.getSubresource())) {
        out.put("status", who);
        continue;
      }
      String fields = Serialization.asJson(e.getFieldsV1());
      for (String key : List.of("f:finalizers", "f:providerID")) {
        if (fields.contains("\"" + key + "\"")) {
          out.put(key, who);
        }
      }
    }
    out.put("all", String.join(", ", seen));
    return out;
  }
}
