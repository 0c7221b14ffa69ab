package io.capkit.provider.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.provider.machine.HostTarget;
import io.capkit.provider.machine.MachineIdentity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostSelectionTest {
  private static final List<HostTarget> HOSTS = List.of(
      new HostTarget("c", "test:///default", false, "default", "default"),
      new HostTarget("a", "test:///default", true, "default", "default"),
      new HostTarget("b", "test:///default", true, "default", "default"));

  @Test
  void picksTheHostWithFewestMachines() {
    var id = MachineIdentity.of("ns", "m").uuid();
    assertEquals("c", HostSelection.pick(HOSTS, Map.of("a", 2, "b", 1), false, id).orElseThrow().name());
    assertEquals("b", HostSelection.pick(HOSTS, Map.of("a", 2, "b", 1), true, id).orElseThrow().name());
  }

  @Test
  void controlPlaneMachinesOnlyGoToControlPlaneHosts() {
    var only = List.of(new HostTarget("w", "test:///default", false, "default", "default"));
    assertTrue(HostSelection.pick(only, Map.of(), true, MachineIdentity.of("ns", "m").uuid()).isEmpty());
  }

  @Test
  void placingMachinesOneByOneSpreadsThemEvenlyAndDeterministically() {
    Map<String, Integer> counts = new HashMap<>();
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      String h = HostSelection.pick(HOSTS, counts, false, MachineIdentity.of("ns", "m" + i).uuid()).orElseThrow()
          .name();
      counts.merge(h, 1, Integer::sum);
      order.append(h);
    }
    assertEquals(Map.of("a", 10, "b", 10, "c", 10), counts);
    Map<String, Integer> again = new HashMap<>();
    StringBuilder order2 = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      String h = HostSelection.pick(HOSTS, again, false, MachineIdentity.of("ns", "m" + i).uuid()).orElseThrow()
          .name();
      again.merge(h, 1, Integer::sum);
      order2.append(h);
    }
    assertEquals(order.toString(), order2.toString());
  }

  @Test
  void tiedHostsAreSharedAmongMachinesPlacedAtTheSameMoment() {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      seen.merge(HostSelection.pick(HOSTS, Map.of(), false, MachineIdentity.of("ns", "w" + i).uuid()).orElseThrow()
          .name(), 1, Integer::sum);
    }
    assertEquals(3, seen.size(), seen.toString());
  }
}
