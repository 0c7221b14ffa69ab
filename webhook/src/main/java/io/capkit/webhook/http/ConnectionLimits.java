package io.capkit.webhook.http;

import java.time.Duration;

/**
 * How long a connection may take at each step, and how many may be open at once. The API server's webhook timeout
 * is at most 30 s, so no legitimate request takes longer than that to send.
 *
 * @param handshake      the TLS handshake, from accept
 * @param request        one request, from its first byte to its last (head and body: slowloris bound)
 * @param firstRequest   from the handshake to the first request's first byte
 * @param idle           between requests on a kept-alive connection
 * @param maxConnections connections served at once; further ones wait in the accept backlog
 */
public record ConnectionLimits(Duration handshake, Duration request, Duration firstRequest, Duration idle,
                               int maxConnections) {
  public static final ConnectionLimits DEFAULT = new ConnectionLimits(Duration.ofSeconds(10), Duration.ofSeconds(10),
      Duration.ofSeconds(10), Duration.ofSeconds(90), 1024);

  public ConnectionLimits {
    for (Duration d : new Duration[] {handshake, request, firstRequest, idle}) {
      if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("connection timeouts must be positive durations, got " + d);
      }
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
    }
  }
}
