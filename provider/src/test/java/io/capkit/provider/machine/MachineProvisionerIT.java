package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.provider.libvirt.FaultInjectingBackend;
import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtCallException;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.provider.libvirt.VolumeSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning steps against the libvirt test driver through the real bindings, with injected faults. */
class MachineProvisionerIT {
  private static final byte[] BOOTSTRAP = "#cloud-config\n".getBytes(StandardCharsets.UTF_8);
  private static final MachinePlan PLAN = TestPlans.plan("ns", "m1", TestPlans.HOST);
  private static final SeedDocuments SEED = SeedDocuments.of(PLAN, BOOTSTRAP);
  private static final List<String> ALL_VOLUMES = List.of("base.qcow2", "ns.m1-docker.qcow2",
      "ns.m1-kubelet.qcow2", "ns.m1-root.qcow2", "ns.m1-seed.iso");

  private static LibvirtBackend fresh(Path dir, String name) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    return JnaLibvirtBackend.open(TestDriver.uri(d));
  }

  private static void assertProvisioned(LibvirtBackend lv) {
    assertEquals(List.of("ns.m1"), lv.listDomains());
    assertEquals(ALL_VOLUMES, lv.listVolumes(TestPlans.POOL));
    assertTrue(lv.findDomain(PLAN.identity().uuid()).orElseThrow().active());
  }

  private static void assertEmpty(LibvirtBackend lv) {
    assertEquals(List.of(), lv.listDomains());
    assertEquals(List.of("base.qcow2"), lv.listVolumes(TestPlans.POOL));
  }

  @Test
  void createsEverythingOnceAndRemovesEverythingIdempotently(@TempDir Path dir) throws Exception {
    try (LibvirtBackend lv = fresh(dir, "a")) {
      MachineProvisioner p = new MachineProvisioner(lv);
      MachineProvisioner.Result first = p.ensure(PLAN, SEED);
      assertEquals(List.of("ns.m1-root.qcow2", "ns.m1-docker.qcow2", "ns.m1-kubelet.qcow2", "ns.m1-seed.iso",
          "ns.m1"), first.created());
      assertFalse(first.seedUploaded());
      assertFalse(first.addresses().isEmpty());
      assertProvisioned(lv);
      assertEquals(SEED.iso().length, lv.findVolume(TestPlans.POOL, "ns.m1-seed.iso").orElseThrow().capacityBytes());
      assertEquals(TestDriver.BASE_BYTES * 2, lv.findVolume(TestPlans.POOL, "ns.m1-root.qcow2").orElseThrow()
          .capacityBytes());

      assertEquals(List.of(), p.ensure(PLAN, SEED).created());
      assertProvisioned(lv);

      MachineProvisioner.Removal removal = p.remove(PLAN.identity(), TestPlans.POOL);
      assertTrue(removal.domainRemoved());
      assertEquals(4, removal.volumesRemoved().size());
      assertEmpty(lv);
      // A domain that is already gone completes removal.
      assertEquals(new MachineProvisioner.Removal(false, List.of(), true), p.remove(PLAN.identity(), TestPlans.POOL));
    }
  }

  @Test
  void removalFromAPoolThatIsGoneStillRemovesTheDomainAndSaysThePoolIsGone(@TempDir Path dir) throws Exception {
    try (LibvirtBackend lv = fresh(dir, "gone")) {
      MachineProvisioner p = new MachineProvisioner(lv);
      p.ensure(PLAN, SEED);
      assertEquals(new MachineProvisioner.Removal(true, List.of(), false), p.remove(PLAN.identity(), "no-such-pool"));
      assertEquals(List.of(), lv.listDomains());
    }
  }

  @Test
  void killedAtEveryCallThenRestartedConvergesWithoutDuplicatesOrLeaks(@TempDir Path dir) throws Exception {
    int total;
    try (LibvirtBackend lv = fresh(dir, "count")) {
      FaultInjectingBackend counting = FaultInjectingBackend.counting(lv);
      new MachineProvisioner(counting).ensure(PLAN, SEED);
      total = counting.calls();
    }
    assertTrue(total >= 10, "expected a real step sequence, saw " + total + " calls");
    for (int n = 1; n <= total; n++) {
      try (LibvirtBackend lv = fresh(dir, "crash-" + n)) {
        FaultInjectingBackend dying = FaultInjectingBackend.crashAt(lv, n);
        assertThrows(FaultInjectingBackend.Crash.class, () -> new MachineProvisioner(dying).ensure(PLAN, SEED),
            "call " + n);
        // Restart: a new provisioner with no memory of the first, on the same libvirt state.
        new MachineProvisioner(lv).ensure(PLAN, SEED);
        assertProvisioned(lv);
      }
    }
  }

  @Test
  void killedAtEveryCallWhileRemovingThenRestartedLeavesNothing(@TempDir Path dir) throws Exception {
    for (int n = 1; n <= 8; n++) {
      try (LibvirtBackend lv = fresh(dir, "remove-" + n)) {
        new MachineProvisioner(lv).ensure(PLAN, SEED);
        FaultInjectingBackend dying = FaultInjectingBackend.crashAt(lv, n);
        assertThrows(FaultInjectingBackend.Crash.class,
            () -> new MachineProvisioner(dying).remove(PLAN.identity(), TestPlans.POOL), "call " + n);
        new MachineProvisioner(lv).remove(PLAN.identity(), TestPlans.POOL);
        assertEmpty(lv);
      }
    }
  }

  @Test
  void defineFailureStopsAtTheDomainStepAndARetryConverges(@TempDir Path dir) throws Exception {
    try (LibvirtBackend lv = fresh(dir, "define")) {
      FaultInjectingBackend faulty = FaultInjectingBackend.failing(lv, "defineDomain",
          LibvirtCallException.Kind.INVALID);
      StepFailure f = assertThrows(StepFailure.class, () -> new MachineProvisioner(faulty).ensure(PLAN, SEED));
      assertEquals(MachineStep.DOMAIN, f.step());
      assertEquals("LibvirtInvalid", f.reason());
      assertEquals(List.of(), lv.listDomains());
      assertEquals(ALL_VOLUMES, lv.listVolumes(TestPlans.POOL));
      new MachineProvisioner(faulty).ensure(PLAN, SEED);
      assertProvisioned(lv);
    }
  }

  @Test
  void existingVolumeIsReusedNotRecreated(@TempDir Path dir) throws Exception {
    try (LibvirtBackend lv = fresh(dir, "exists")) {
      lv.createVolume(TestPlans.POOL, VolumeSpec.empty("ns.m1-docker.qcow2", 1L << 30, "qcow2"));
      MachineProvisioner.Result r = new MachineProvisioner(lv).ensure(PLAN, SEED);
      assertFalse(r.created().contains("ns.m1-docker.qcow2"));
      assertEquals(1L << 30, lv.findVolume(TestPlans.POOL, "ns.m1-docker.qcow2").orElseThrow().capacityBytes());
      assertProvisioned(lv);
    }
  }

  @Test
  void missingBaseImageAndForeignDomainNameAreReportedPerStep(@TempDir Path dir) throws Exception {
    try (LibvirtBackend lv = fresh(dir, "base")) {
      lv.deleteVolume(TestPlans.POOL, TestDriver.BASE_IMAGE);
      StepFailure f = assertThrows(StepFailure.class, () -> new MachineProvisioner(lv).ensure(PLAN, SEED));
      assertEquals(MachineStep.VOLUMES, f.step());
      assertEquals("BaseImageNotFound", f.reason());
    }
    try (LibvirtBackend lv = fresh(dir, "foreign")) {
      MachinePlan other = TestPlans.plan("other", "x", TestPlans.HOST);
      lv.createVolume(TestPlans.POOL, VolumeSpec.empty("other.x-root.qcow2", 1024, "qcow2"));
      lv.defineDomain(DomainXml.of(other, TestPlans.TCG, null).replace("<name>other.x</name>", "<name>ns.m1</name>"));
      StepFailure f = assertThrows(StepFailure.class, () -> new MachineProvisioner(lv).ensure(PLAN, SEED));
      assertEquals("DomainNameTaken", f.reason());
    }
  }

  @Test
  void hostThatDisappearsIsUnreachableThenConvergesWhenBack(@TempDir Path dir) throws Exception {
    try (LibvirtBackend lv = fresh(dir, "gone")) {
      FaultInjectingBackend host = FaultInjectingBackend.counting(lv);
      host.hostGone();
      StepFailure f = assertThrows(StepFailure.class, () -> new MachineProvisioner(host).ensure(PLAN, SEED));
      assertTrue(f.unreachable());
      assertEquals("LibvirtUnreachable", f.reason());
      host.hostBack();
      new MachineProvisioner(host).ensure(PLAN, SEED);
      assertProvisioned(lv);
    }
  }
}
