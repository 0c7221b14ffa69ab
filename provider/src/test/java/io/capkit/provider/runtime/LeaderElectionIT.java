package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.SharedBackend;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two providers with leader election on one namespace: only the Lease holder reconciles; the other takes over. */
@ExtendWith(KubeApiServerExtension.class)
class LeaderElectionIT {
  /** JOSDK's reconcile timer of the KVMMachine controller (micrometer-support). */
  private static final String KVM_MACHINE_RECONCILES =
      "operator_sdk_controllers_execution_reconcile_seconds_count{controller=\"kvmmachinereconciler\"";

  @Test
  void onlyTheLeaseHolderReconcilesAndTheStandbyTakesOverWhenItStops(KubernetesClient client, @TempDir Path dir)
      throws Exception {
    String ns = "leader";
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(), false);
    f.secret("boot");
    ProviderConfig config = ProviderConfig.defaults().withHttp("127.0.0.1", 0).withNamespaces(Set.of(ns))
        .withLeaderElection(ns);
    try (LibvirtBackend node = JnaLibvirtBackend.open(TestDriver.uri(dir))) {
      LibvirtConnections connections = new LibvirtConnections(uri -> SharedBackend.of(node));
      KvmProvider first = KvmProvider.start(config, client, connections, false);
      await("first holds the lease", () -> holder(client, ns) != null);
      String firstHolder = holder(client, ns);
      try (KvmProvider second = KvmProvider.start(config, client, connections, false)) {
        f.kvmMachine("a", f.machine("a", "boot", null));
        await("a provisioned", () -> f.provisioned("a"));
        assertTrue(first.metrics().scrape().contains(KVM_MACHINE_RECONCILES), "the leader reconciled");
        assertFalse(second.metrics().scrape().contains(KVM_MACHINE_RECONCILES), "the standby did not");
        assertEquals(firstHolder, holder(client, ns));

        first.close();
        await("the standby holds the lease", () -> !firstHolder.equals(holder(client, ns)));
        assertNotEquals(null, holder(client, ns));
        f.kvmMachine("b", f.machine("b", "boot", null));
        await("b provisioned", () -> f.provisioned("b"));
        assertTrue(second.metrics().scrape().contains(KVM_MACHINE_RECONCILES), "the new leader reconciled");
        assertEquals(List.of(MachineIdentity.of(ns, "a").domainName(), MachineIdentity.of(ns, "b").domainName()),
            node.listDomains());
      }
    }
  }

  private static String holder(KubernetesClient client, String ns) {
    Lease l = client.leases().inNamespace(ns).withName(KvmProvider.LEASE_NAME).get();
    return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
  }
}
