package io.capkit.bench.webhook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerProcessTest {
  @Test
  void countersReadCpuTicksAndContextSwitchesFromProc() throws Exception {
    Path log = Files.createTempFile("server-process", ".log");
    // Spins for a while (CPU ticks), then sleeps a few times (voluntary switches), then says so and waits.
    List<String> command = List.of("sh", "-c",
        "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; for n in 1 2 3; do sleep 0.05; done; echo ready; sleep 30");
    try (ServerProcess p = ServerProcess.start("sh", command, log, l -> l.equals("ready"))) {
      p.awaitLine(Duration.ofSeconds(60));
      ServerProcess.Counters c = p.counters();
      assertTrue(c.userTicks() + c.systemTicks() > 0, c.toString());
      assertTrue(c.voluntarySwitches() > 0, c.toString());
      assertTrue(c.involuntarySwitches() >= 0, c.toString());
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
