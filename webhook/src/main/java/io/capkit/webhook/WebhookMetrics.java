package io.capkit.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request counts by endpoint and outcome and a latency histogram per endpoint, in Prometheus text format. Endpoint
 * labels are the known paths plus {@code other}, so a scan of random URLs cannot grow the series.
 */
public final class WebhookMetrics {
  public static final String OTHER = "other";
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Set<String> endpoints;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> counters = new ConcurrentHashMap<>();

  public WebhookMetrics(Collection<String> endpoints) {
    this.endpoints = Set.copyOf(endpoints);
  }

  /** Records one request: endpoint path, outcome label, time taken. */
  public void record(String path, String outcome, long nanos) {
    String endpoint = endpoints.contains(path) ? path : OTHER;
    Timer timer = timers.get(endpoint);
    if (timer == null) {
      timer = timers.computeIfAbsent(endpoint, e -> Timer.builder("capkit.webhook.request.duration")
          .description("Time to answer an admission request").tag("endpoint", e)
          .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
          .maximumExpectedValue(Duration.ofSeconds(10)).register(registry));
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
    count(endpoint, outcome);
  }

  /** Counts a request that has no latency worth recording (refused before it could be read). */
  public void count(String path, String outcome) {
    String endpoint = endpoints.contains(path) ? path : OTHER;
    Map<String, Counter> byOutcome = counters.get(endpoint);
    if (byOutcome == null) {
      byOutcome = counters.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>());
    }
    Counter counter = byOutcome.get(outcome);
    if (counter == null) {
      counter = byOutcome.computeIfAbsent(outcome, o -> Counter.builder("capkit.webhook.requests")
          .description("Admission requests by endpoint and outcome").tag("endpoint", endpoint).tag("outcome", o)
          .register(registry));
    }
    counter.increment();
  }

  /** The Prometheus text exposition of all metrics. */
  public String scrape() {
    return registry.scrape();
  }
}
