package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static io.capkit.provider.runtime.CapiFixture.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.libvirt.FaultInjectingBackend;
import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.SharedBackend;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.provider.machine.TestPlans;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciler-level faults against the shared real API server and a fresh libvirt test-driver node per test: an
 * unreachable host, a host removed from the KVMCluster, invalid template values, and the provider process dying in
 * the middle of provisioning. Each test runs its own provider restricted to its own namespace.
 */
@ExtendWith(KubeApiServerExtension.class)
class KvmMachineFaultsIT {

  /** Connections where {@code good} is the test's node (kept open across providers); any other URI really opens. */
  private static LibvirtConnections connections(String good, LibvirtBackend node) {
    return new LibvirtConnections(CapiFixture.routed(uri -> uri.equals(good) ? SharedBackend.of(node)
        : JnaLibvirtBackend.open(uri)));
  }

  private static KvmProvider start(KubernetesClient client, String ns, LibvirtConnections connections) {
    return KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0).withNamespaces(Set.of(ns)), client,
        connections);
  }

  @Test
  void unreachableHostIsReportedWithoutCrashingAndRecoversWhenTheHostEntryIsFixed(KubernetesClient client,
      @TempDir Path dir) throws Exception {
    String ns = "fault-unreachable";
    String good = TestDriver.uri(dir);
    String bogus = "test://" + dir.resolve("no-such-dir/node.xml");
    try (LibvirtBackend node = JnaLibvirtBackend.open(good);
         KvmProvider provider = start(client, ns, connections(good, node))) {
      CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("h1", bogus)), false);
      f.secret("boot");
      f.kvmMachine("m1", f.machine("m1", "boot", null));
      await("LibvirtUnreachable", () -> {
        String r = f.ready("m1");
        return r != null && r.startsWith("False/LibvirtUnreachable/") && r.contains(bogus);
      });
      KVMMachine k = f.get("m1");
      assertEquals("h1", k.getSpec().getFailureDomain());
      var volumes = Conditions.get(k.getStatus().getConditions(), "VolumesReady");
      assertEquals("False", volumes.getStatus());
      assertFalse(f.events("m1", "LibvirtUnreachable").isEmpty(), "a Warning event names the failure");
      assertEquals("Warning", f.events("m1", "LibvirtUnreachable").get(0).getType());
      assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + provider.httpPort() + "/readyz")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());

      // The admin fixes the KVMHost's URI; the machine's next retry (JOSDK backoff, Backoff.retry) uses it.
      CapiFixture.ROUTES.put("qemu+ssh://h1-fixed.test/system", good);
      f.kvmHost("h1", "qemu+ssh://h1-fixed.test/system");
      await("provisioned on the fixed host", () -> f.provisioned("m1"));
      MachineIdentity id = MachineIdentity.of(ns, "m1");
      assertEquals("kvm://h1/" + id.uuid(), f.get("m1").getSpec().getProviderID());
      assertEquals(List.of(id.domainName()), node.listDomains());
    }
  }

  @Test
  void machineOnAHostRemovedFromTheKvmClusterSaysSoKeepsItsVmAndIsDeletedFromWhereItWasRecorded(
      KubernetesClient client, @TempDir Path dir)
      throws Exception {
    String ns = "fault-removed";
    String uri = TestDriver.uri(dir);
    try (LibvirtBackend node = JnaLibvirtBackend.open(uri);
         KvmProvider provider = start(client, ns, connections(uri, node))) {
      CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("h1", uri), host("h2", uri)), false);
      f.secret("boot");
      f.kvmMachine("m1", f.machine("m1", "boot", "h2"));
      await("provisioned on h2", () -> f.provisioned("m1"));
      MachineIdentity id = MachineIdentity.of(ns, "m1");
      assertEquals("kvm://h2/" + id.uuid(), f.get("m1").getSpec().getProviderID());

      f.editKvmCluster(s -> s.setHosts(new ArrayList<>(List.of(host("h1", uri).entry()))));
      await("HostNotFound", () -> ("False/HostNotFound/failure domain h2 is not a host of KVMCluster c1")
          .equals(f.ready("m1")));
      assertFalse(f.events("m1", "HostNotFound").isEmpty());
      assertTrue(node.findDomain(id.uuid()).orElseThrow().active(), "the VM is not touched");

      // Deleting it still finds the VM: status.libvirt recorded host, URI and pool before anything was created.
      assertEquals("h2", f.get("m1").getStatus().getLibvirt().getHost());
      assertEquals("qemu+ssh://h2.test/system", f.get("m1").getStatus().getLibvirt().getUri());
      client.resources(KVMMachine.class).inNamespace(ns).withName("m1").delete();
      await("deleted from the recorded placement", () -> f.get("m1") == null);
      assertTrue(f.events("m1", "HostGone").isEmpty(), "nothing was released unremoved");
      assertEquals(List.of(), node.listDomains());
      assertEquals(List.of(TestDriver.BASE_IMAGE), node.listVolumes(TestPlans.POOL));
    }
  }

  @Test
  void invalidTemplateValuesAreReportedWithFieldPathsAndAFixProvisions(KubernetesClient client, @TempDir Path dir)
      throws Exception {
    String ns = "fault-invalid";
    String uri = TestDriver.uri(dir);
    try (LibvirtBackend node = JnaLibvirtBackend.open(uri);
         KvmProvider provider = start(client, ns, connections(uri, node))) {
      CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("h1", uri)), false);
      f.secret("boot");
      f.kvmMachine("x", f.machine("x", "boot", null), k -> {
        k.getSpec().setMemory("lots");
        k.getSpec().getVolumes().setRootSizeGB(0);
      });
      await("InvalidSpec", () -> {
        String r = f.ready("x");
        return r != null && r.startsWith("False/InvalidSpec/");
      });
      String message = f.ready("x");
      assertTrue(message.contains("spec.memory: \"lots\" is not a memory quantity"), message);
      assertTrue(message.contains("spec.volumes.rootSizeGB"), message);
      assertFalse(f.events("x", "InvalidSpec").isEmpty());
      assertEquals(List.of(), node.listDomains());
      assertEquals(List.of(TestDriver.BASE_IMAGE), node.listVolumes(TestPlans.POOL), "nothing created");

      // The user's fix as `kubectl patch --type merge` sends it: no resourceVersion, so the provider's own writes
      // in between cannot make it conflict.
      client.resources(KVMMachine.class).inNamespace(ns).withName("x").patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"spec\":{\"memory\":\"4Gi\",\"volumes\":{\"rootSizeGB\":20}}}");
      await("provisioned after the fix", () -> f.provisioned("x"));
    }
  }

  @Test
  void providerKilledMidProvisioningAndRestartedConvergesWithoutDuplicatesOrLeaks(KubernetesClient client,
      @TempDir Path dir) throws Exception {
    String ns = "fault-restart";
    String uri = TestDriver.uri(dir);
    List<String> names = List.of("r1", "r2", "r3");
    try (LibvirtBackend node = JnaLibvirtBackend.open(uri)) {
      // First process: dies at its first defineDomain, after volumes and seeds were created.
      FaultInjectingBackend dying = FaultInjectingBackend.killedAt(SharedBackend.of(node), "defineDomain");
      Function<String, LibvirtBackend> opener = u -> dying;
      CapiFixture f = new CapiFixture(client, ns);
      try (KvmProvider first = start(client, ns, new LibvirtConnections(opener))) {
        f.cluster(List.of(host("h1", uri)), false);
        f.secret("boot");
        for (String n : names) {
          f.kvmMachine(n, f.machine(n, "boot", null));
        }
        await("the first provider died", dying::killed);
      }
      assertEquals(List.of(), node.listDomains(), "died before any domain was defined");
      assertTrue(node.listVolumes(TestPlans.POOL).size() > 1, "died after creating volumes");
      assertTrue(names.stream().noneMatch(f::provisioned));

      // Second process, no memory of the first, same libvirt state.
      try (KvmProvider second = start(client, ns, connections(uri, node))) {
        await("all provisioned", () -> names.stream().allMatch(f::provisioned));
      }
      Set<String> domains = new TreeSet<>();
      Set<String> volumes = new TreeSet<>(List.of(TestDriver.BASE_IMAGE));
      for (String n : names) {
        MachineIdentity id = MachineIdentity.of(ns, n);
        domains.add(id.domainName());
        for (String suffix : List.of("-root.qcow2", "-docker.qcow2", "-kubelet.qcow2", "-seed.iso")) {
          volumes.add(id.domainName() + suffix);
        }
        assertTrue(node.findDomain(id.uuid()).orElseThrow().active());
        assertEquals("h1", f.get(n).getSpec().getFailureDomain());
      }
      assertEquals(List.copyOf(domains), node.listDomains(), "one domain per machine, no duplicate");
      assertEquals(List.copyOf(volumes), node.listVolumes(TestPlans.POOL), "exactly the expected volumes");
    }
  }
}
