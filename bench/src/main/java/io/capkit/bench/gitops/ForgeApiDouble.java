package io.capkit.bench.gitops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GitHub pull request endpoints capkit promote calls, on loopback: list open pull requests by head, create
 * one (remembered), update it. Counts the pull requests created, so the benchmark can check "one PR".
 */
final class ForgeApiDouble implements AutoCloseable {
  private static final Pattern HEAD = Pattern.compile("\"head\"\\s*:\\s*\"[^\":]*:([^\"]+)\"");
  private final HttpServer server;
  private final String repo;
  private final AtomicInteger created = new AtomicInteger();
  private volatile String openHead;

  ForgeApiDouble(String repo) throws IOException {
    this.repo = repo;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/repos/" + repo + "/pulls", this::pulls);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int created() {
    return created.get();
  }

  /** Forgets the open pull request, as if it had been closed. */
  void reset() {
    openHead = null;
  }

  private void pulls(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (!"Bearer bench-token".equals(x.getRequestHeaders().getFirst("Authorization"))) {
      send(x, 401, "{\"message\":\"Bad credentials\"}");
    } else if (x.getRequestMethod().equals("GET")) {
      send(x, 200, openHead == null ? "[]" : "[" + pr(openHead) + "]");
    } else if (x.getRequestMethod().equals("POST")) {
      Matcher m = HEAD.matcher(body);
      if (!m.find() || !body.contains("\"base\"") || !body.contains("\"title\"")) {
        send(x, 422, "{\"message\":\"Validation Failed\"}");
        return;
      }
      openHead = m.group(1);
      created.incrementAndGet();
      send(x, 201, pr(openHead));
    } else if (x.getRequestMethod().equals("PATCH") && openHead != null) {
      send(x, 200, pr(openHead));
    } else {
      send(x, 404, "{\"message\":\"Not Found\"}");
    }
  }

  private String pr(String head) {
    return "{\"number\":1,\"state\":\"open\",\"html_url\":\"" + url() + "/" + repo + "/pull/1\",\"head\":{\"ref\":\""
        + head + "\"}}";
  }

  private static void send(HttpExchange x, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
