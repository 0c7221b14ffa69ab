package io.capkit.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request counts by endpoint and outcome and a latency histogram per endpoint, in Prometheus text format. Endpoint
 * labels are the known paths plus {@code other}, so a scan of random URLs cannot grow the series. Each endpoint's
 * meters are resolved once (its timer when its first request is recorded, a counter when its outcome first occurs),
 * so recording a request is one map lookup by path and the meters' own updates, no tag handling.
 */
public final class WebhookMetrics {
  public static final String OTHER = "other";
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Endpoint> endpoints;
  private final Endpoint other;

  /** One endpoint's meters. */
  private final class Endpoint {
    private final String name;
    private volatile Timer timer;
    private final Map<String, Counter> byOutcome = new ConcurrentHashMap<>();

    Endpoint(String name) {
      this.name = name;
    }

    Timer timer() {
      Timer t = timer;
      if (t == null) {
        synchronized (this) {
          if (timer == null) {
            timer = Timer.builder("capkit.webhook.request.duration")
                .description("Time to answer an admission request").tag("endpoint", name)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
          }
          t = timer;
        }
      }
      return t;
    }

    Counter counter(String outcome) {
      Counter c = byOutcome.get(outcome);
      return c != null ? c : byOutcome.computeIfAbsent(outcome, o -> Counter.builder("capkit.webhook.requests")
          .description("Admission requests by endpoint and outcome").tag("endpoint", name).tag("outcome", o)
          .register(registry));
    }
  }

  public WebhookMetrics(Collection<String> endpoints) {
    Map<String, Endpoint> m = new java.util.HashMap<>();
    for (String e : endpoints) {
      m.put(e, new Endpoint(e));
    }
    this.other = m.computeIfAbsent(OTHER, Endpoint::new);
    this.endpoints = Map.copyOf(m);
  }

  private Endpoint endpoint(String path) {
    Endpoint e = endpoints.get(path);
    return e == null ? other : e;
  }

  /** Records one request: endpoint path, outcome label, time taken. */
  public void record(String path, String outcome, long nanos) {
    Endpoint e = endpoint(path);
    e.timer().record(nanos, TimeUnit.NANOSECONDS);
    e.counter(outcome).increment();
  }

  /** Counts a request that has no latency worth recording (refused before it could be read). */
  public void count(String path, String outcome) {
    endpoint(path).counter(outcome).increment();
  }

  /** The Prometheus text exposition of all metrics. */
  public String scrape() {
    return registry.scrape();
  }
}
