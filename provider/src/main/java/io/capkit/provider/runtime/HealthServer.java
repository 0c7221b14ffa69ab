package io.capkit.provider.runtime;

import io.capkit.http.ConnectionLimits;
import io.capkit.http.HttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz}, {@code /version} and {@code /metrics} on one plain HTTP port ({@link ProbeServer}:
 * one thread of the JDK's non-blocking sockets, one request per connection): a deadline on every step a peer controls,
 * a cap per client address, so that half-sent requests cannot freeze the port the kubelet's liveness probe reads.
 */
public final class HealthServer implements AutoCloseable {
  /** Probes and scrapes are GETs: no body, short steps, few connections (handshake and idle do not apply here). */
  static final ConnectionLimits LIMITS = new ConnectionLimits(Duration.ofSeconds(5), Duration.ofSeconds(5),
      Duration.ofSeconds(5), Duration.ofSeconds(60), 256, 64);

  private final ProbeServer server;

  public HealthServer(String address, int port, BooleanSupplier healthy, BooleanSupplier ready, String versionJson,
      Supplier<String> metrics) throws IOException {
    this(address, port, LIMITS, healthy, ready, versionJson, metrics);
  }

  HealthServer(String address, int port, ConnectionLimits limits, BooleanSupplier healthy, BooleanSupplier ready,
      String versionJson, Supplier<String> metrics) throws IOException {
    server = new ProbeServer(new InetSocketAddress(address, port), limits,
        (method, path) -> answer(method, path, healthy, ready, versionJson, metrics));
  }

  public int port() {
    return server.port();
  }

  static HttpResponse answer(String method, String path, BooleanSupplier healthy, BooleanSupplier ready,
      String versionJson, Supplier<String> metrics) {
    boolean head = "HEAD".equals(method);
    HttpResponse r = switch (path) {
      case "/healthz" -> probe(healthy);
      case "/readyz" -> probe(ready);
      case "/version" -> HttpResponse.of(200, "application/json", versionJson.getBytes(StandardCharsets.UTF_8),
          "version");
      case "/metrics" -> HttpResponse.of(200, "text/plain; version=0.0.4; charset=utf-8",
          metrics.get().getBytes(StandardCharsets.UTF_8), "metrics");
      default -> HttpResponse.text(404, "not found", "not_found");
    };
    if (!head && !"GET".equals(method)) {
      return HttpResponse.text(405, "method not allowed", "method_not_allowed").withHeader("Allow", "GET, HEAD");
    }
    return head ? new HttpResponse(r.status(), r.contentType(), new byte[0], r.headers(), r.close(), r.label()) : r;
  }

  private static HttpResponse probe(BooleanSupplier check) {
    boolean ok = check.getAsBoolean();
    return HttpResponse.text(ok ? 200 : 503, ok ? "ok" : "not ready", "probe");
  }

  @Override
  public void close() {
    server.close();
  }
}
