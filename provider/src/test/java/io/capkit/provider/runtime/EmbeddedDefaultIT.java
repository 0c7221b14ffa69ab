package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static io.capkit.provider.runtime.CapiFixture.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineTemplate;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.provider.libvirt.EmbeddedHost;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.testsupport.CrdSources;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider as {@code capkit provider run} starts it with no libvirt flags: {@link ProviderConfig#defaults()} and
 * {@link LibvirtConnections#jna()}, so {@code test:///default} is the {@link EmbeddedHost}. A KVMMachine cloned from
 * a rendered kvm template (the renderer's golden output) is provisioned there, and deletions whose pool is gone
 * complete.
 */
@ExtendWith(KubeApiServerExtension.class)
class EmbeddedDefaultIT {
  private static final Path RENDERED = CrdSources.repoRoot().resolve("renderer/src/test/resources/golden/example-fleet/"
      + "management-clusters/mc-berlin/organizations/acme/workload-clusters/staging/manifests.yaml");

  static KubernetesClient client;
  static LibvirtConnections connections;
  static KvmProvider provider;

  @BeforeAll
  static void start(KubernetesClient apiClient) {
    client = apiClient;
    connections = LibvirtConnections.jna();
    provider = KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0)
        .withNamespaces(Set.of("embedded-rendered", "embedded-no-pool")), client, connections);
  }

  @AfterAll
  static void stop() {
    if (provider != null) {
      provider.close();
    }
  }

  /** The rendered worker template of the golden "staging" cluster (kvm flavor, contract defaults). */
  static KVMMachineTemplate renderedWorkerTemplate() throws IOException {
    return YamlDocuments.loadAll(RENDERED.toString(), Files.readString(RENDERED)).stream()
        .map(d -> Serialization.unmarshal(Serialization.asJson(d), Map.class))
        .filter(m -> "KVMMachineTemplate".equals(m.get("kind")))
        .map(m -> Serialization.unmarshal(Serialization.asJson(m), KVMMachineTemplate.class))
        .filter(t -> t.getMetadata().getName().startsWith("staging-md-0-"))
        .findFirst().orElseThrow();
  }

  @Test
  void renderedKvmMachineIsProvisionedOnTheEmbeddedHostAndDeletedCleanly() throws Exception {
    String ns = "embedded-rendered";
    KVMMachineTemplate template = renderedWorkerTemplate();
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(), false);
    f.secret("boot");
    // As CAPI's MachineSet clones it: the template's spec, no host of its own.
    f.kvmMachine("w1", f.machine("w1", "boot", null), k -> k.setSpec(template.getSpec().getTemplate().getSpec()));
    await("provisioned on the embedded host", () -> f.provisioned("w1"));

    KVMMachine k = f.get("w1");
    MachineIdentity id = MachineIdentity.of(ns, "w1");
    assertEquals("default", k.getStatus().getFailureDomain());
    assertEquals("kvm://default/" + id.uuid(), k.getSpec().getProviderID());
    LibvirtBackend host = connections.get(EmbeddedHost.URI);
    assertTrue(host.findDomain(id.uuid()).orElseThrow().active());
    String image = template.getSpec().getTemplate().getSpec().getImage().getVolume();
    assertEquals("ubuntu-24.04-kubeadm.qcow2", image, "the contract's default KVM_BASE_IMAGE");
    List<String> volumes = host.listVolumes(ProviderConfig.DEFAULT_POOL);
    for (String v : List.of(image, id.domainName() + "-root.qcow2", id.domainName() + "-docker.qcow2",
        id.domainName() + "-seed.iso")) {
      assertTrue(volumes.contains(v), v + " not in " + volumes);
    }

    client.resources(KVMMachine.class).inNamespace(ns).withName("w1").delete();
    await("deleted", () -> f.get("w1") == null);
    assertTrue(host.findDomain(id.uuid()).isEmpty());
    assertEquals(List.of(image), host.listVolumes(ProviderConfig.DEFAULT_POOL).stream()
        .filter(v -> v.equals(image) || v.startsWith(id.domainName())).toList());
    assertEquals(1, f.events("w1", "Deleted").size());
  }

  @Test
  void deletionOfAMachineWhosePoolIsGoneCompletesWithAnEvent() throws Exception {
    String ns = "embedded-no-pool";
    KVMHost h1 = host("h1", EmbeddedHost.URI);
    h1.setStoragePool("no-such-pool");
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(h1), false);
    f.secret("boot");
    f.kvmMachine("m1", f.machine("m1", "boot", null));
    await("VolumesReady=False", () -> {
      String r = f.ready("m1");
      return r != null && r.startsWith("False/LibvirtNotFound/") && r.contains("VIR_ERR_NO_STORAGE_POOL");
    });
    assertEquals(List.of("infrastructure.cluster.x-k8s.io/kvmmachine"), f.get("m1").getMetadata().getFinalizers());

    client.resources(KVMMachine.class).inNamespace(ns).withName("m1").delete();
    await("deletion completed", () -> f.get("m1") == null);
    var poolGone = f.events("m1", "PoolNotFound");
    assertEquals(1, poolGone.size(), poolGone.toString());
    assertEquals("Warning", poolGone.get(0).getType());
    assertEquals("storage pool no-such-pool not found on host h1: the machine's volumes are gone with it",
        poolGone.get(0).getMessage());
    var deleted = f.events("m1", "Deleted");
    assertEquals(1, deleted.size());
    assertEquals("nothing of it was left on host h1", deleted.get(0).getMessage());
  }
}
