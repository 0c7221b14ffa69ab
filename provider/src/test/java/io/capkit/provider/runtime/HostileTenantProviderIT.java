package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static io.capkit.provider.runtime.CapiFixture.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.HostVolume;
import io.capkit.api.infra.KVMClusterHost;
import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtCallException;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.SharedBackend;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.provider.machine.TestPlans;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 against the provider alone, as if the webhook had been bypassed (objects written straight to the real API
 * server, machines reconciled against the libvirt test driver through the real bindings): every hostile input ends
 * in a Ready=False condition and a Warning event naming the field, and nothing is created, mounted or leaked on the
 * host.
 */
@ExtendWith(KubeApiServerExtension.class)
class HostileTenantProviderIT {
  private static final String MARKER = "root:SECRET-MARKER-7f3a:19000:0:99999:7:::";

  private static KvmProvider start(KubernetesClient client, String ns, String uri, LibvirtBackend node) {
    return KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0).withNamespaces(Set.of(ns)), client,
        new LibvirtConnections(CapiFixture.routed(u -> u.equals(uri) ? SharedBackend.of(node)
            : JnaLibvirtBackend.open(u))));
  }

  private static String allEvents(CapiFixture f) {
    return f.client.v1().events().inNamespace(f.ns).list().getItems().stream().map(Event::getMessage).toList()
        .toString();
  }

  @Test
  void item1HostDirectoriesAreRefusedBeforeLibvirtAndAllowedOnesAreMountedReadOnly(KubernetesClient client,
      @TempDir Path dir) throws Exception {
    String ns = "ht-volumes";
    String uri = TestDriver.uri(dir);
    try (LibvirtBackend node = JnaLibvirtBackend.open(uri); KvmProvider provider = start(client, ns, uri, node)) {
      CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("ht-p1", uri)), false);
      f.secret("boot");
      f.kvmMachine("root", f.machine("root", "boot", null), k -> k.getSpec().setHostVolumes(List.of(
          volume("/", "/mnt/host"))));
      f.kvmMachine("images", f.machine("images", "boot", null), k -> k.getSpec().setHostVolumes(List.of(
          volume("/var/lib/libvirt/images", "/mnt/images"))));
      await("both refused", () -> f.ready("root") != null && f.ready("root").startsWith("False/InvalidSpec/")
          && f.ready("images") != null && f.ready("images").startsWith("False/InvalidSpec/"));
      assertTrue(f.ready("root").contains("spec.hostVolumes[0].hostPath: \"/\" is not a shared directory of host "
          + "ht-p1 (allowed: [/srv/data, /srv/etcd])"), f.ready("root"));
      assertTrue(f.ready("images").contains("spec.hostVolumes[0].hostPath: \"/var/lib/libvirt/images\" is not a "
          + "shared directory"), f.ready("images"));
      assertFalse(f.events("root", "InvalidSpec").isEmpty());
      assertEquals(List.of(), node.listDomains(), "nothing defined");
      assertEquals(List.of(TestDriver.BASE_IMAGE), node.listVolumes(TestPlans.POOL), "nothing created");

      f.kvmMachine("data", f.machine("data", "boot", null), k -> k.getSpec().setHostVolumes(List.of(
          volume("/srv/data", "/mnt/data"))));
      await("the allowed directory provisions", () -> f.provisioned("data"));
      String xml = node.domainXml(MachineIdentity.of(ns, "data").uuid());
      String fs = xml.substring(xml.indexOf("<filesystem"), xml.indexOf("</filesystem>"));
      assertTrue(fs.contains("<source dir=\"/srv/data\"/>") || fs.contains("<source dir='/srv/data'/>"), fs);
      assertTrue(fs.contains("<readonly/>"), "shared read-only: " + fs);
    }
  }

  @Test
  void item2AnotherTenantsDiskIsNeverTakenAsBaseImage(KubernetesClient client, @TempDir Path dir) throws Exception {
    String victimNs = "ht-victim";
    String thiefNs = "ht-thief";
    String uri = TestDriver.uri(dir);
    try (LibvirtBackend node = JnaLibvirtBackend.open(uri);
         KvmProvider victimSide = start(client, victimNs, uri, node);
         KvmProvider thiefSide = start(client, thiefNs, uri, node)) {
      CapiFixture victim = new CapiFixture(client, victimNs).cluster(List.of(host("ht-shared", uri)), false);
      victim.secret("boot");
      victim.kvmMachine("db", victim.machine("db", "boot", null));
      await("victim provisioned", () -> victim.provisioned("db"));
      String disk = MachineIdentity.of(victimNs, "db").domainName() + "-root.qcow2";
      assertTrue(node.listVolumes(TestPlans.POOL).contains(disk));

      CapiFixture thief = new CapiFixture(client, thiefNs).cluster(List.of(host("ht-shared", uri)), false);
      thief.secret("boot");
      thief.kvmMachine("steal", thief.machine("steal", "boot", null), k -> k.getSpec().getImage().setVolume(disk));
      thief.kvmMachine("guess", thief.machine("guess", "boot", null),
          k -> k.getSpec().getImage().setVolume("no-such-image.qcow2"));
      await("refused", () -> thief.ready("steal") != null && thief.ready("steal").startsWith("False/InvalidSpec/")
          && thief.ready("guess") != null && thief.ready("guess").startsWith("False/InvalidSpec/"));
      assertTrue(thief.ready("steal").contains("spec.image.volume: \"" + disk + "\" is not a base image of host "
          + "ht-shared"), thief.ready("steal"));
      // A guessed name gets the same answer whether or not it exists: no BaseImageNotFound probing.
      assertTrue(thief.ready("guess").contains("spec.image.volume: \"no-such-image.qcow2\" is not a base image"));
      assertTrue(thief.events("steal", "BaseImageNotFound").isEmpty());
      assertEquals(List.of(MachineIdentity.of(victimNs, "db").domainName()), node.listDomains());
      assertTrue(node.listVolumes(TestPlans.POOL).stream().noneMatch(v -> v.startsWith(thiefNs + ".")),
          "nothing of the thief's was created");
    }
  }

  @Test
  void item3HostUrisAreCheckedByTheProviderAndLibvirtTextNeverReachesEvents(KubernetesClient client,
      @TempDir Path dir) throws Exception {
    Path shadow = dir.resolve("shadow");
    Files.writeString(shadow, MARKER + "\n");
    String uri = TestDriver.uri(dir.resolve("node"));
    // The libvirt bindings themselves: opening a file that is not a node description fails with libvirt's text,
    // which quotes the file; the exception keeps only the operation, the target and the error code.
    LibvirtCallException direct = assertThrows(LibvirtCallException.class,
        () -> JnaLibvirtBackend.open("test://" + shadow));
    assertFalse(direct.getMessage().contains("SECRET-MARKER"), direct.getMessage());

    List<String> bad = List.of("test://" + shadow, "qemu+ssh://h/system?command=" + dir.resolve("x")
        + "&no_verify=1", "qemu+unix:///system?socket=" + dir.resolve("sock"));
    List<String> namespaces = List.of("ht-uri-0", "ht-uri-1", "ht-uri-2");
    try (LibvirtBackend node = JnaLibvirtBackend.open(uri);
         KvmProvider provider = KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0)
             .withNamespaces(Set.copyOf(namespaces)), client, new LibvirtConnections(u -> u.equals(uri)
             ? SharedBackend.of(node) : JnaLibvirtBackend.open(u)))) {
      for (int i = 0; i < bad.size(); i++) {
        // An admin object that bypassed the webhook: the provider's own check refuses it before any connection.
        CapiFixture f = new CapiFixture(client, namespaces.get(i));
        String hostName = "ht-evil-" + i;
        f.kvmHost(hostName, bad.get(i));
        Thread.sleep(500);
        KVMClusterHost entry = new KVMClusterHost();
        entry.setName(hostName);
        f.clusterOn(List.of(entry), false);
        f.secret("boot");
        f.kvmMachine("m1", f.machine("m1", "boot", null));
        await("refused " + bad.get(i), () -> f.ready("m1") != null && f.ready("m1").startsWith("False/HostNotAllowed/"));
        assertEquals("False/HostNotAllowed/spec.hosts[0].name: KVMHost \"" + hostName + "\" breaks the KVMHost rules; "
            + "a platform admin must fix it", f.ready("m1"));
        assertFalse(allEvents(f).contains("SECRET-MARKER"), allEvents(f));
        assertFalse(Serialization.asJson(client.resources(KVMMachine.class).inNamespace(f.ns).list())
            .contains("SECRET-MARKER"));
      }
      assertFalse(Files.exists(dir.resolve("x")) || Files.exists(dir.resolve("sock")));
      assertEquals(List.of(), node.listDomains());
    }
  }

  @Test
  void item12DeletionAfterTheHostsUriAndPoolAreEditedRemovesTheMachineFromWhereItWasCreated(KubernetesClient client,
      @TempDir Path dir) throws Exception {
    String ns = "ht-moved";
    String uri = TestDriver.uri(dir);
    try (LibvirtBackend node = JnaLibvirtBackend.open(uri); KvmProvider provider = start(client, ns, uri, node)) {
      CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("ht-moving", uri)), false);
      f.secret("boot");
      f.kvmMachine("m1", f.machine("m1", "boot", null));
      await("provisioned", () -> f.provisioned("m1"));
      MachineIdentity id = MachineIdentity.of(ns, "m1");
      assertEquals("qemu+ssh://ht-moving.test/system", f.get("m1").getStatus().getLibvirt().getUri());
      assertEquals(TestPlans.POOL, f.get("m1").getStatus().getLibvirt().getStoragePool());

      // The admin moves the host entry to another machine and pool: the old domain must still be found.
      KVMHost h = client.resources(KVMHost.class).withName("ht-moving").get();
      h.getSpec().setUri("qemu+ssh://elsewhere.test/system");
      h.getSpec().setStoragePool("other-pool");
      client.resource(h).update();
      client.resources(KVMMachine.class).inNamespace(ns).withName("m1").delete();
      await("deleted", () -> f.get("m1") == null);
      assertTrue(node.findDomain(id.uuid()).isEmpty(), "the domain was removed from the recorded host");
      assertEquals(List.of(TestDriver.BASE_IMAGE), node.listVolumes(TestPlans.POOL), "and its volumes and seed");
    }
  }

  private static HostVolume volume(String hostPath, String mountPath) {
    HostVolume v = new HostVolume();
    v.setName("v" + Math.abs(hostPath.hashCode() % 1000));
    v.setHostPath(hostPath);
    v.setMountPath(mountPath);
    return v;
  }
}
