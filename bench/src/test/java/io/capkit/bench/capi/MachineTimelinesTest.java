package io.capkit.bench.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.bench.capi.MachineTimelines.MachineRefs;
import io.capkit.bench.capi.MachineTimelines.Milestone;
import io.capkit.bench.capi.MachineTimelines.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineTimelinesTest {
  @Test
  void nearestRankPercentiles() {
    List<Double> hundred = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      hundred.add((double) i);
    }
    assertEquals(50.0, MachineTimelines.percentile(hundred, 50));
    assertEquals(90.0, MachineTimelines.percentile(hundred, 90));
    assertEquals(100.0, MachineTimelines.percentile(hundred, 100));
    assertEquals(1.0, MachineTimelines.percentile(hundred, 0.5));
    List<Double> three = List.of(10.0, 20.0, 30.0);
    assertEquals(20.0, MachineTimelines.percentile(three, 50));
    assertEquals(30.0, MachineTimelines.percentile(three, 90));
    assertTrue(Double.isNaN(MachineTimelines.percentile(List.of(), 50)));
    assertThrows(IllegalArgumentException.class, () -> MachineTimelines.percentile(three, 0));
  }

  @Test
  void statsSortTheirInput() {
    Stats s = Stats.of(List.of(5.0, 1.0, 3.0, 2.0, 4.0));
    assertEquals(5, s.count());
    assertEquals(3.0, s.p50());
    assertEquals(5.0, s.p90());
    assertEquals(1.0, s.min());
    assertEquals(5.0, s.max());
    assertEquals(3.0, s.mean());
    assertEquals(0, Stats.of(List.of()).count());
  }

  @Test
  void marksOfTheMachinesObjectsAreJoinedThroughItsReferences() {
    MachineTimelines t = new MachineTimelines();
    // CAPI may create the KVMMachine and KubeadmConfig before the Machine; names need not match the Machine's.
    t.mark("KVMMachine", "kvm-a", Milestone.KVM_MACHINE_CREATED, 100);
    t.mark("KubeadmConfig", "cfg-a", Milestone.BOOTSTRAP_CONFIG_CREATED, 90);
    t.mark("Machine", "m-a", Milestone.MACHINE_CREATED, 120);
    t.mark("KubeadmConfig", "cfg-a", Milestone.BOOTSTRAP_DATA, 400);
    t.mark("Machine", "m-a", Milestone.MACHINE_BOOTSTRAP, 450);
    t.mark("KVMMachine", "kvm-a", Milestone.KVM_PROVISIONED, 1450);
    t.mark("KVMMachine", "kvm-a", Milestone.KVM_PROVISIONED, 9999); // a later update: the first mark wins
    t.mark("Machine", "m-a", Milestone.PROVISIONED, 1500);
    t.mark("Machine", "m-b", Milestone.MACHINE_CREATED, 200);
    t.mark("Machine", "m-b", Milestone.MACHINE_BOOTSTRAP, 650);
    t.mark("KVMMachine", "kvm-b", Milestone.KVM_PROVISIONED, 3650);
    t.mark("Machine", "m-b", Milestone.PROVISIONED, 3700);
    t.mark("KVMMachine", "other", Milestone.KVM_PROVISIONED, 5); // not one of the machines asked about

    assertTrue(t.reached("Machine", "m-b", Milestone.PROVISIONED));
    assertFalse(t.reached("Machine", "m-b", Milestone.RUNNING));
    assertEquals(List.of("m-a", "m-b"), t.names("Machine"));

    Map<String, Map<Milestone, Double>> j = t.join(List.of(new MachineRefs("m-a", "cfg-a", "kvm-a"),
        new MachineRefs("m-b", "cfg-b", "kvm-b")));
    assertEquals(List.of("m-a", "m-b"), List.copyOf(j.keySet()));
    assertEquals(1450.0, j.get("m-a").get(Milestone.KVM_PROVISIONED));
    assertEquals(90.0, j.get("m-a").get(Milestone.BOOTSTRAP_CONFIG_CREATED));
    assertNull(j.get("m-b").get(Milestone.BOOTSTRAP_DATA), "m-b's KubeadmConfig was never marked");

    Stats provider = MachineTimelines.stage(j, Milestone.MACHINE_BOOTSTRAP, Milestone.KVM_PROVISIONED);
    assertEquals(2, provider.count());
    assertEquals(1000.0, provider.min());
    assertEquals(3000.0, provider.max());
    assertEquals(2000.0, provider.mean());
    // Only machines that reached both ends count.
    assertEquals(1, MachineTimelines.stage(j, Milestone.BOOTSTRAP_CONFIG_CREATED, Milestone.BOOTSTRAP_DATA).count());
    Stats provisioned = MachineTimelines.milestone(j, Milestone.PROVISIONED);
    assertEquals(1500.0, provisioned.p50());
    assertEquals(3700.0, provisioned.max());
    assertEquals("m-b", MachineTimelines.last(j, Milestone.PROVISIONED));
    assertNull(MachineTimelines.last(j, Milestone.RUNNING));
  }
}
