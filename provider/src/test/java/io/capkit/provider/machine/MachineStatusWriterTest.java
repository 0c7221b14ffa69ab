package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMMachineStatus;
import io.capkit.provider.libvirt.DomainSummary;
import io.capkit.provider.libvirt.InterfaceAddress;
import io.capkit.provider.libvirt.LibvirtCallException;
import io.capkit.provider.runtime.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MachineStatusWriterTest {
  private static final Instant NOW = Instant.parse("2025-03-01T00:00:00Z");

  private static Map<String, String> byType(KVMMachineStatus s) {
    return s.getConditions().stream().collect(Collectors.toMap(Condition::getType,
        c -> c.getStatus() + "/" + c.getReason()));
  }

  @Test
  void failureMarksEarlierStepsDoneTheFailedStepFalseAndReadyFalse() {
    StepFailure f = StepFailure.of(MachineStep.DOMAIN, new LibvirtCallException(LibvirtCallException.Kind.INVALID,
        "domainDefineXML", "test:///default", "VIR_ERR_XML_ERROR", "bad"));
    KVMMachineStatus s = MachineStatusWriter.failed(null, f, "kvm-b", 3, NOW);
    assertEquals(Map.of("VolumesReady", "True/Done", "SeedReady", "True/Done", "DomainDefined", "False/LibvirtInvalid",
        "Ready", "False/LibvirtInvalid", "Paused", "False/NotPaused"), byType(s));
    assertEquals("kvm-b", s.getFailureDomain(), "the claimed host, where the machine is being made");
  }

  @Test
  void provisionedSetsEveryConditionAddressesAndInitialization() {
    MachinePlan plan = TestPlans.plan("ns", "m1", TestPlans.HOST);
    var r = new MachineProvisioner.Result(new DomainSummary("ns.m1", plan.identity().uuid(), true),
        List.of(new InterfaceAddress("eth0", "52:54:00:00:00:01", "192.168.122.9", 24),
            new InterfaceAddress("eth0", "52:54:00:00:00:01", "192.168.122.3", 24)), false, List.of(), TestPlans.TCG);
    KVMMachineStatus waiting = MachineStatusWriter.waiting(null,
        new MachineGate.Wait("WaitingForBootstrapData", "x", false), 1, NOW.minusSeconds(60));
    assertEquals(null, waiting.getFailureDomain(), "no host yet while waiting");
    KVMMachineStatus s = MachineStatusWriter.provisioned(waiting, r, plan, 1, NOW);
    assertEquals("True/Provisioned", byType(s).get("Ready"));
    assertEquals(TestPlans.HOST.name(), s.getFailureDomain());
    assertEquals("True/Done", byType(s).get("DomainRunning"));
    assertTrue(s.getInitialization().getProvisioned());
    assertEquals(List.of("Hostname:m1", "InternalIP:192.168.122.3", "InternalIP:192.168.122.9"),
        s.getAddresses().stream().map(a -> a.getType() + ":" + a.getAddress()).toList());
    assertEquals(plan.identity().uuid().toString(), s.getDomainUUID());
    assertTrue(Conditions.get(s.getConditions(), "SeedReady").getMessage().contains("no upload stream"));
    assertEquals("domain type qemu, machine q35, CPU maximum (TCG software emulation: libvirt offers no kvm domain "
        + "type on this host (no usable /dev/kvm))", Conditions.get(s.getConditions(), "DomainDefined").getMessage());
  }

  @Test
  void pausedWaitSetsPausedAndLeavesReadyAlone() {
    KVMMachineStatus s = MachineStatusWriter.waiting(null, new MachineGate.Wait("Paused", "paused", true), 1, NOW);
    assertEquals(Map.of("Paused", "True/Paused"), byType(s));
  }

  @Test
  void outcomeKeyIgnoresGenerationAndTransitionTimeButNotReasonMessageOrStatus() {
    KVMMachineStatus noName = MachineStatusWriter.waiting(null,
        new MachineGate.Wait("WaitingForBootstrapData", "Machine has no spec.bootstrap.dataSecretName yet", false),
        1, NOW);
    KVMMachineStatus later = MachineStatusWriter.waiting(noName,
        new MachineGate.Wait("WaitingForBootstrapData", "Machine has no spec.bootstrap.dataSecretName yet", false),
        2, NOW.plusSeconds(5));
    assertEquals(2L, Conditions.get(later.getConditions(), Conditions.READY).getObservedGeneration());
    assertEquals(MachineStatusWriter.outcomeKey(noName), MachineStatusWriter.outcomeKey(later));
    KVMMachineStatus unpaused = MachineStatusWriter.waiting(
        MachineStatusWriter.waiting(null, new MachineGate.Wait("Paused", "paused", true), 1, NOW),
        new MachineGate.Wait("WaitingForBootstrapData", "Machine has no spec.bootstrap.dataSecretName yet", false),
        1, NOW.plusSeconds(5));
    KVMMachineStatus unpausedLater = MachineStatusWriter.waiting(null,
        new MachineGate.Wait("WaitingForBootstrapData", "Machine has no spec.bootstrap.dataSecretName yet", false),
        1, NOW.plusSeconds(9));
    assertTrue(!Conditions.get(unpaused.getConditions(), Conditions.PAUSED).getLastTransitionTime()
        .equals(Conditions.get(unpausedLater.getConditions(), Conditions.PAUSED).getLastTransitionTime()));
    assertEquals(MachineStatusWriter.outcomeKey(unpaused), MachineStatusWriter.outcomeKey(unpausedLater),
        "lastTransitionTime");
    KVMMachineStatus notFound = MachineStatusWriter.waiting(noName,
        new MachineGate.Wait("WaitingForBootstrapData", "bootstrap Secret ns/s1 not found", false), 1, NOW);
    assertTrue(!MachineStatusWriter.outcomeKey(noName).equals(MachineStatusWriter.outcomeKey(notFound)),
        "the message says which wait holds (docs/provider.md)");
    KVMMachineStatus noMachine = MachineStatusWriter.waiting(noName,
        new MachineGate.Wait("WaitingForMachine", "Machine ns/m not found", false), 1, NOW);
    assertTrue(!MachineStatusWriter.outcomeKey(noName).equals(MachineStatusWriter.outcomeKey(noMachine)), "reason");
    KVMMachineStatus paused = MachineStatusWriter.waiting(noName, new MachineGate.Wait("Paused", "paused", true), 1,
        NOW);
    assertTrue(!MachineStatusWriter.outcomeKey(noName).equals(MachineStatusWriter.outcomeKey(paused)), "status");
    assertTrue(!MachineStatusWriter.outcomeKey(null).equals(MachineStatusWriter.outcomeKey(noName)), "first write");
    KVMMachineStatus placed = MachineStatusWriter.waiting(noName,
        new MachineGate.Wait("WaitingForBootstrapData", "Machine has no spec.bootstrap.dataSecretName yet", false),
        1, NOW);
    placed.setFailureDomain("host-1");
    assertTrue(!MachineStatusWriter.outcomeKey(noName).equals(MachineStatusWriter.outcomeKey(placed)),
        "any other status field");
  }
}
