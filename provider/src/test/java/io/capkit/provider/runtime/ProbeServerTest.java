package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.http.ConnectionLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provider's probe port on a loopback socket, byte for byte: one answer per connection, then the close. */
class ProbeServerTest {
  private static HealthServer start(boolean ready) throws IOException {
    return new HealthServer("127.0.0.1", 0, () -> true, () -> ready, "{\"version\":\"test\"}",
        () -> "capkit_up 1\n");
  }

  /** Sends {@code request} as is and reads until the server closes the connection. */
  private static String exchange(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void answersEachPathAndClosesTheConnection() throws IOException {
    try (HealthServer server = start(false)) {
      int port = server.port();
      assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
          + "Connection: close\r\n\r\nok\n", exchange(port, "GET /healthz HTTP/1.1\r\nHost: p\r\n\r\n"));
      assertEquals("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
          + "Content-Length: 10\r\nConnection: close\r\n\r\nnot ready\n",
          exchange(port, "GET /readyz HTTP/1.1\r\nHost: p\r\n\r\n"));
      String metrics = exchange(port, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
      assertTrue(metrics.startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
          metrics);
      assertTrue(metrics.endsWith("\r\n\r\ncapkit_up 1\n"), metrics);
      assertTrue(exchange(port, "GET /version HTTP/1.1\r\n\r\n").endsWith("\r\n\r\n{\"version\":\"test\"}"));
      assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 0\r\n"
          + "Connection: close\r\n\r\n", exchange(port, "HEAD /healthz HTTP/1.1\r\n\r\n"));
      assertTrue(exchange(port, "GET /nothing HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404 Not Found\r\n"));
      String post = exchange(port, "POST /healthz HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
      assertTrue(post.startsWith("HTTP/1.1 405 Method Not Allowed\r\n") && post.contains("\r\nAllow: GET, HEAD\r\n"),
          post);
    }
  }

  @Test
  void refusesMalformedAndOversizedHeads() throws IOException {
    try (HealthServer server = start(true)) {
      int port = server.port();
      for (String bad : new String[] {"GET healthz HTTP/1.1\r\n\r\n", "GET /healthz HTTP/2.0\r\n\r\n",
          "get /healthz HTTP/1.1\r\n\r\n", "GET /healthz\r\n\r\n", "GET  /healthz HTTP/1.1\r\n\r\n"}) {
        assertTrue(exchange(port, bad).startsWith("HTTP/1.1 400 Bad Request\r\n"), bad);
      }
      String huge = "GET /healthz HTTP/1.1\r\nX-Big: " + "a".repeat(ProbeServer.MAX_HEAD) + "\r\n\r\n";
      assertTrue(exchange(port, huge).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
      // The server still answers after all of them.
      assertTrue(exchange(port, "GET /readyz HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200 OK\r\n"));
    }
  }

  /**
   * With every connection taken by half-sent heads (from another address, within the per-address cap), a probe
   * waits in the accept backlog and is answered once their deadline closes them; it is not refused.
   */
  @Test
  void aFullServerQueuesTheNextConnectionInsteadOfRefusingIt() throws Exception {
    ConnectionLimits limits = new ConnectionLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(1), 2, 2);
    List<Socket> slow = new ArrayList<>();
    try (HealthServer server = new HealthServer("127.0.0.1", 0, limits, () -> true, () -> true, "{}", () -> "")) {
      for (int i = 0; i < 2; i++) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()));
        s.getOutputStream().write("GET /healthz HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      assertTrue(exchange(server.port(), "GET /healthz HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200 OK\r\n"));
      for (Socket s : slow) {
        s.setSoTimeout(10_000);
        assertEquals(-1, s.getInputStream().read(), "the half-sent head was closed at its deadline");
      }
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }
}
