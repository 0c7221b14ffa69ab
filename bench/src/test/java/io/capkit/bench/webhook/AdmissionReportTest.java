package io.capkit.bench.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.bench.webhook.AdmissionReport.Setup;
import io.capkit.bench.webhook.LevelResult.Latency;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionReportTest {
  private static final Setup SETUP = new Setup(2, "Test CPU", "Linux 6", "OpenJDK 17", "-XX:MaxRAM=512m",
      "go1.26", "v1.14.2", "v0.24.1", "abc1234", "1.00, 2.00, 3.00", "4.00, 5.00, 6.00", 30, 5, 10);

  private static LevelResult result(String server, int clients, long requests, double p99) {
    return new LevelResult(server, clients, requests, 0, 10, new Latency(p99 / 4, p99, p99 * 2),
        new Latency(p99 / 8, p99 / 2, p99), 200 * 1024, 210 * 1024, 150.4);
  }

  @Test
  void tableRowsAreSortedAndRatiosAreCapkitOverPeer() {
    List<LevelResult> results = List.of(
        result("capkit", 64, 60_000, 1.5), result("capi", 64, 40_000, 3.0),
        result("capi", 1, 20_000, 0.4), result("capkit", 1, 10_000, 0.8));
    String md = AdmissionReport.section(SETUP, results, List.of("JSON (Jackson): 40.0 %"));
    assertTrue(md.startsWith("## Admission webhook\n\n"), md);
    int capi1 = md.indexOf("| 1 | capi | 2000 |");
    int capkit1 = md.indexOf("| 1 | capkit | 1000 |");
    int capkit64 = md.indexOf("| 64 | capkit | 6000 | 0.375 | 1.500 | 3.000 | 0.188 | 0.750 | 1.500 | 200 (210) | 150 | 0 |");
    assertTrue(capi1 > 0 && capkit1 > capi1 && capkit64 > capkit1, md);
    // throughput 6000/4000, client p99 1.5/3.0, server p99 0.75/1.5
    assertTrue(md.contains("| 64 | 1.50 | 0.50 | 0.50 |"), md);
    assertTrue(md.contains("| 1 | 0.50 | 2.00 | 2.00 |"), md);
    assertTrue(md.contains("- JSON (Jackson): 40.0 %"), md);
    assertTrue(md.contains("Load average (1, 5, 15 min) before the run: 1.00, 2.00, 3.00"), md);
    assertTrue(md.contains("| 64 | capkit | n/a | n/a | n/a | n/a |"), md);
  }

  @Test
  void theCpuSplitIsPrintedPerServerAndLevel() {
    LevelResult split = new LevelResult("capkit", 1, 10_000, 0, 10, new Latency(0.1, 0.2, 0.3),
        new Latency(0.1, 0.2, 0.3), 1, 1, 30.0, new LevelResult.CpuSplit(12.0, 18.04, 2.016, 0.1));
    String md = AdmissionReport.section(SETUP, List.of(split), List.of());
    assertTrue(md.contains("| 1 | capkit | 12.0 | 18.0 | 2.02 | 0.10 |"), md);
  }

  @Test
  void verdictsSayMetOrMissedWithTheNumbers() {
    List<String> met = AdmissionReport.verdicts(List.of(
        result("capkit", 64, 60_000, 1.5), result("capi", 64, 40_000, 3.0)));
    assertEquals(3, met.size());
    assertTrue(met.get(0).contains("server side: 0.750 ms — **met**"), met.get(0));
    assertTrue(met.get(1).contains("client side: 1.500 ms — **met**"), met.get(1));
    assertTrue(met.get(1).contains("64 / throughput = 10.7 ms"), met.get(1));
    assertTrue(met.get(2).endsWith("**met**"), met.get(2));

    List<String> missed = AdmissionReport.verdicts(List.of(
        result("capkit", 1, 10_000, 0.8), result("capi", 1, 20_000, 0.4),
        result("capkit", 64, 30_000, 5.0), result("capi", 64, 40_000, 3.0)));
    assertTrue(missed.get(0).contains("server side: 2.500 ms — **missed**"), missed.get(0));
    assertEquals("throughput ≥ the Go peer's at every level: **missed** at 1 clients (1000 vs 2000 req/s), "
        + "64 clients (3000 vs 4000 req/s)", missed.get(2));
  }

  @Test
  void issue18VerdictsArePerLevelCpuAndThroughputRatio() {
    LevelResult capkit1 = new LevelResult("capkit", 1, 90_000, 0, 10, new Latency(0.1, 0.2, 0.3),
        new Latency(0.1, 0.2, 0.3), 1, 1, 40.0);
    LevelResult capkit16 = new LevelResult("capkit", 16, 200_000, 0, 10, new Latency(0.1, 0.2, 0.3),
        new Latency(0.1, 0.2, 0.3), 1, 1, 40.6);
    List<String> lines = AdmissionReport.cpuAndThroughputVerdicts(List.of(capkit1, result("capi", 1, 30_000, 1),
        capkit16, result("capi", 16, 70_000, 1)));
    assertEquals(List.of(
        "1 client: CPU 40.0 µs/req (≤ 40) — **met**; throughput 9000 / 3000 req/s = 3.00× the peer's (≥ 3×) — **met**",
        "16 clients: CPU 40.6 µs/req (≤ 40) — **missed**; throughput 20000 / 7000 req/s = 2.86× the peer's (≥ 3×) "
            + "— **missed**"), lines);
    String md = AdmissionReport.section(SETUP, List.of(capkit1, result("capi", 1, 30_000, 1)), List.of());
    assertTrue(md.contains("Targets (issue #18), per level:\n\n- 1 client: CPU 40.0 µs/req"), md);
  }

  @Test
  void unknownFiguresPrintAsNotAvailable() {
    assertEquals("n/a", AdmissionReport.ms(Double.NaN));
    assertEquals("n/a", AdmissionReport.ratio(1, 0));
    assertEquals("12.3", AdmissionReport.ms(12.34));
    assertEquals("0.123", AdmissionReport.ms(0.1234));
  }
}
