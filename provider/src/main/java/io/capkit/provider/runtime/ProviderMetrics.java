package io.capkit.provider.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.Gauge;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus metrics of the provider: per reconciled object its creation, deletion and last-reconciled timestamps
 * (the operatorkit set the RFC asks for) and libvirt call errors; reconcile counts, durations, failures, retries and
 * queue sizes are JOSDK's own ({@link #josdk()}, {@code operator_sdk_*}), on the same registry.
 */
public final class ProviderMetrics {
  static final String CREATION = "capkit_provider_object_creation_timestamp_seconds";
  static final String DELETION = "capkit_provider_object_deletion_timestamp_seconds";
  static final String LAST_RECONCILED = "capkit_provider_object_last_reconciled_timestamp_seconds";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<List<String>, AtomicLong> values = new ConcurrentHashMap<>();
  private final Map<List<String>, Gauge> gauges = new ConcurrentHashMap<>();

  private final MicrometerMetrics josdk = MicrometerMetrics.withoutPerResourceMetrics(registry);

  /** JOSDK's metrics on this registry, for the operator's configuration ({@code withMetrics}). */
  public MicrometerMetrics josdk() {
    return josdk;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  public void reconciled(HasMetadata o, Instant now) {
    set(CREATION, o, Instant.parse(o.getMetadata().getCreationTimestamp()).getEpochSecond());
    if (o.getMetadata().getDeletionTimestamp() != null) {
      set(DELETION, o, Instant.parse(o.getMetadata().getDeletionTimestamp()).getEpochSecond());
    }
    set(LAST_RECONCILED, o, now.getEpochSecond());
  }

  /** Drops an object's series once it is gone from the API server. */
  public void forget(HasMetadata o) {
    for (String name : List.of(CREATION, DELETION, LAST_RECONCILED)) {
      List<String> key = key(name, o);
      Gauge g = gauges.remove(key);
      values.remove(key);
      if (g != null) {
        registry.remove(g);
      }
    }
  }

  public void libvirtError(String operation, String code) {
    registry.counter("capkit_provider_libvirt_errors", "operation", operation, "code", code).increment();
  }

  private void set(String name, HasMetadata o, long epochSeconds) {
    List<String> key = key(name, o);
    values.computeIfAbsent(key, k -> {
      AtomicLong v = new AtomicLong();
      gauges.put(k, Gauge.builder(name, v, AtomicLong::doubleValue)
          .tags(Tags.of("kind", k.get(1), "namespace", k.get(2), "name", k.get(3))).register(registry));
      return v;
    }).set(epochSeconds);
  }

  private static List<String> key(String name, HasMetadata o) {
    return List.of(name, o.getKind(), o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace(),
        o.getMetadata().getName());
  }
}
