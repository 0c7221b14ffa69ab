package io.capkit.bench.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  @Test
  void userPlusSystemTicksFromStatEvenWithParensAndSpacesInTheName() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    String stat = "4242 (kube (api) server) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 566 7 8 20 0 12 0\n";
    assertEquals(18.0, ProcessCpu.seconds(stat), 1e-9);
  }

  @Test
  void thisProcessHasUsedSomeCpuAndDeltasAreTakenPerName() {
    double self = ProcessCpu.seconds(ProcessHandle.current().pid());
    assertTrue(self > 0, "CPU of the test JVM: " + self);
    assertTrue(ProcessCpu.statusKib(ProcessHandle.current().pid(), "VmHWM:") > 0);
    Map<String, Double> before = new LinkedHashMap<>(Map.of("a", 1.0, "b", 2.0));
    Map<String, Double> after = new LinkedHashMap<>();
    after.put("b", 5.5);
    after.put("a", 1.25);
    Map<String, Double> d = ProcessCpu.delta(before, after);
    assertEquals(List.of("b", "a"), List.copyOf(d.keySet()));
    assertEquals(3.5, d.get("b"), 1e-9);
    assertEquals(0.25, d.get("a"), 1e-9);
  }
}
