package io.capkit.http;

import java.time.Duration;

/**
 * How long a connection may take at each step, and how many may be open at once. The API server's webhook timeout
 * is at most 30 s, so no legitimate request takes longer than that to send.
 *
 * @param handshake      the TLS handshake, from accept
 * @param request        one request, from its first byte to its last (head and body: slowloris bound)
 * @param firstRequest   from the handshake to the first request's first byte
 * @param idle           between requests on a kept-alive connection
 * @param maxConnections connections served at once; at the limit a new one takes the place of the connection that
 *                       has been idle longest (in its handshake or between requests), or, when every one is busy with
 *                       a request, waits in the accept backlog
 * @param maxPerPeer     connections one client address may hold; more are closed as soon as they are accepted
 */
public record ConnectionLimits(Duration handshake, Duration request, Duration firstRequest, Duration idle,
                               int maxConnections, int maxPerPeer) {
  public static final ConnectionLimits DEFAULT = new ConnectionLimits(Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(10), Duration.ofSeconds(90), 1024);

  /** With a quarter of the connections (at least one) for each client address. */
  public ConnectionLimits(Duration handshake, Duration request, Duration firstRequest, Duration idle,
                          int maxConnections) {
    this(handshake, request, firstRequest, idle, maxConnections, Math.max(1, maxConnections / 4));
  }

  public ConnectionLimits {
    for (Duration d : new Duration[] {handshake, request, firstRequest, idle}) {
      if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("connection timeouts must be positive durations, got " + d);
      }
    }
    if (maxConnections < 1 || maxPerPeer < 1) {
      throw new IllegalArgumentException("maxConnections and maxPerPeer must be positive, got " + maxConnections
          + " and " + maxPerPeer);
    }
  }
}
