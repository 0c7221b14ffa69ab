package io.capkit.bench.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.webhook.WebhookMetrics;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void quantilesInterpolateInsideTheBucket() {
    LatencyBuckets b = new LatencyBuckets(new double[] {0.001, 0.002, 0.004, INF}, new long[] {10, 60, 100, 100});
    // rank 50 is the 40th of 50 observations in (1 ms, 2 ms]
    assertEquals(0.0018, b.quantile(0.50), 1e-12);
    // rank 99 is the 39th of 40 in (2 ms, 4 ms]
    assertEquals(0.002 + 0.002 * 39 / 40, b.quantile(0.99), 1e-12);
    // rank 5 is halfway through the first bucket, which starts at 0
    assertEquals(0.0005, b.quantile(0.05), 1e-12);
    assertEquals(100, b.count());
  }

  @Test
  void aRankInTheInfBucketGivesTheLargestFiniteBoundAndEmptyGivesNaN() {
    LatencyBuckets b = new LatencyBuckets(new double[] {0.001, INF}, new long[] {90, 100});
    assertEquals(0.001, b.quantile(0.99));
    assertTrue(Double.isNaN(LatencyBuckets.of(Map.of()).quantile(0.5)));
    assertThrows(IllegalArgumentException.class, () -> b.quantile(1.5));
    assertThrows(IllegalArgumentException.class, () -> new LatencyBuckets(new double[] {0.1}, new long[] {1}));
    assertThrows(IllegalArgumentException.class,
        () -> new LatencyBuckets(new double[] {0.1, INF}, new long[] {5, 4}));
  }

  @Test
  void deltaOfTwoScrapesKeepsOnlyTheWindow() {
    LatencyBuckets before = new LatencyBuckets(new double[] {0.001, 0.002, INF}, new long[] {100, 150, 150});
    LatencyBuckets after = new LatencyBuckets(new double[] {0.001, 0.002, INF}, new long[] {130, 250, 260});
    LatencyBuckets window = after.minus(before);
    assertEquals(new LatencyBuckets(new double[] {0.001, 0.002, INF}, new long[] {30, 100, 110}), window);
    assertEquals(110, window.count());
  }

  @Test
  void deltaHandlesSparseBucketsAndAHalvedResolution() {
    // Native histograms list only non-empty buckets: 0.002 was empty before, so its earlier count is the one at 0.001.
    LatencyBuckets before = LatencyBuckets.of(Map.of(0.001, 5L, 0.004, 9L));
    LatencyBuckets after = LatencyBuckets.of(Map.of(0.001, 7L, 0.002, 10L, 0.004, 15L));
    assertEquals(LatencyBuckets.of(Map.of(0.001, 2L, 0.002, 5L, 0.004, 6L)), after.minus(before));
    // After halving the resolution the later scrape has a subset of the earlier bounds.
    LatencyBuckets fine = LatencyBuckets.of(Map.of(0.001, 4L, 0.0015, 6L, 0.002, 8L));
    LatencyBuckets coarse = LatencyBuckets.of(Map.of(0.001, 5L, 0.002, 12L));
    assertEquals(LatencyBuckets.of(Map.of(0.001, 1L, 0.002, 4L)), coarse.minus(fine));
  }

  @Test
  void readsMicrometersPrometheusOutputOfTheCapkitWebhook() {
    WebhookMetrics metrics = new WebhookMetrics(List.of("/validate-cluster", "/validate-release"));
    for (int i = 1; i <= 1000; i++) {
      metrics.record("/validate-cluster", "allowed", i * 1_000L);      // 1 µs .. 1 ms, uniform
      metrics.record("/validate-release", "allowed", 50_000_000L);     // another endpoint, must not leak in
    }
    LatencyBuckets b = LatencyBuckets.fromPrometheusText(metrics.scrape(),
        AdmissionLoad.CAPKIT_METRIC, "endpoint", "/validate-cluster");
    assertEquals(1000, b.count());
    // True quantiles: 0.5 ms and 0.99 ms; an estimate is off by at most the width of its bucket.
    assertEquals(0.0005, b.quantile(0.5), b.quantile(0.5) * b.relativeResolution(0.5));
    assertEquals(0.00099, b.quantile(0.99), b.quantile(0.99) * b.relativeResolution(0.99));
    assertTrue(b.relativeResolution(0.99) < 0.3, "Micrometer's buckets are finer than 30 %");
  }

  @Test
  void readsTheGoPeersBoundLines() {
    String text = """
        # webhook-path upper-bound-seconds cumulative-count
        /validate-x 2.938735877055719e-39 0
        /validate-x 0.0001 3
        /validate-x 0.0002 10
        /validate-x +Inf 10
        /mutate-x 0.0001 99
        """;
    LatencyBuckets b = LatencyBuckets.fromBoundLines(text, "/validate-x");
    assertEquals(10, b.count());
    assertEquals(0.0001 + 0.0001 * 2 / 7, b.quantile(0.5), 1e-12);
  }

  @Test
  void bucketEstimatesAgreeWithExactQuantilesWithinTheBucketWidth() {
    // Go's native buckets: factor 2^(1/8). Seeded log-normal latencies around 300 µs.
    Random random = new Random(42);
    Histogram exact = new Histogram(60_000_000_000L, 3);
    TreeMap<Double, Long> counts = new TreeMap<>();
    double base = Math.pow(2, 1.0 / 8);
    for (int i = 0; i < 20_000; i++) {
      double seconds = 300e-6 * Math.exp(random.nextGaussian() * 0.6);
      exact.recordValue(Math.round(seconds * 1e9));
      double bound = Math.pow(base, Math.ceil(Math.log(seconds) / Math.log(base)));
      counts.merge(bound, 1L, Long::sum);
    }
    long cumulative = 0;
    for (Map.Entry<Double, Long> e : counts.entrySet()) {
      cumulative += e.getValue();
      e.setValue(cumulative);
    }
    LatencyBuckets b = LatencyBuckets.of(counts);
    for (double q : new double[] {0.5, 0.99, 0.999}) {
      double truth = exact.getValueAtPercentile(q * 100) / 1e9;
      assertEquals(truth, b.quantile(q), truth * (base - 1), "quantile " + q);
    }
  }
}
