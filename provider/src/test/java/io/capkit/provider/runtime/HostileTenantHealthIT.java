package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 4: the provider's health and metrics port on real sockets (loopback). Half-sent requests, the
 * issue's two and then many from one address, neither freeze {@code /healthz} nor stay open past their deadline.
 * The client's timeout is the kubelet's: a probe that does not answer within it counts as failed.
 */
class HostileTenantHealthIT {
  /** The kubelet's probe timeout is 1 s by default; 10 s leaves room for a loaded test machine. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final String HALF = "GET /healthz HTTP/1.1\r\nHost: provider\r\nX-Slow: ";

  private static HealthServer start() throws IOException {
    return new HealthServer("127.0.0.1", 0, () -> true, () -> true, "{\"version\":\"test\"}",
        () -> "capkit_up 1\n");
  }

  private static Socket halfSent(int port, InetAddress from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port));
    OutputStream out = s.getOutputStream();
    out.write(HALF.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  private static int probe(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(PROBE_TIMEOUT)
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void twoHalfSentRequestsDoNotFreezeTheProbe() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    List<Socket> slow = new ArrayList<>();
    try (HealthServer server = start()) {
      for (int i = 0; i < 2; i++) {
        slow.add(halfSent(server.port(), InetAddress.getByName("127.0.0.1")));
      }
      for (String path : List.of("/healthz", "/readyz", "/metrics", "/version")) {
        assertEquals(200, probe(http, server.port(), path), path);
      }
      // The half-sent requests are dropped once their request deadline is over: read() sees the end of the stream.
      for (Socket s : slow) {
        s.setSoTimeout((int) HealthServer.LIMITS.request().multipliedBy(4).toMillis());
        InputStream in = s.getInputStream();
        assertEquals(-1, in.read(), "the server closed the half-sent request");
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void manyHalfSentRequestsFromOneAddressCannotTakeThePort() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    List<Socket> slow = new ArrayList<>();
    // The attacker is another address on this machine (a pod); the probe comes from 127.0.0.1 (the node).
    InetAddress attacker = InetAddress.getByName("127.0.0.2");
    try (HealthServer server = start()) {
      for (int i = 0; i < 300; i++) {
        slow.add(halfSent(server.port(), attacker));
      }
      for (int i = 0; i < 5; i++) {
        assertEquals(200, probe(http, server.port(), "/healthz"));
      }
      int closedAtOnce = 0;
      for (Socket s : slow) {
        s.setSoTimeout(200);
        try {
          if (s.getInputStream().read() == -1) {
            closedAtOnce++;
          }
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
          if (e instanceof java.net.SocketException) {
            closedAtOnce++;
          }
        }
      }
      assertTrue(closedAtOnce >= 300 - HealthServer.LIMITS.maxPerPeer(),
          "connections past the per-address cap are closed at accept: " + closedAtOnce);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }
}
