package io.capkit.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * The small HTTP endpoint a booted guest reports to: cloud-init's {@code phone_home} module (a form POST of
 * instance_id and hostname) and the bootstrap data's own POST of its marker file and mounts. Listens on the libvirt
 * network's host address (a local address of this machine) and keeps every request it gets.
 */
public final class PhoneHome implements AutoCloseable {
  /** Bodies larger than this are cut: a guest report is a few hundred bytes. */
  private static final int MAX_BODY = 64 * 1024;

  /** One request: when it arrived, from where, which path, and the form fields (or the raw body as "body"). */
  public record Report(Instant at, String remoteAddress, String path, Map<String, String> fields) {}

  private final HttpServer server;
  private final List<Report> reports = new ArrayList<>();

  private PhoneHome(HttpServer server) {
    this.server = server;
  }

  /** Listens on {@code address}, an ephemeral port. */
  public static PhoneHome listen(InetAddress address) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(address, 0), 16);
      PhoneHome p = new PhoneHome(s);
      s.createContext("/", p::handle);
      s.setExecutor(Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "phone-home");
        t.setDaemon(true);
        return t;
      }));
      s.start();
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + address.getHostAddress() + ": " + e.getMessage(), e);
    }
  }

  /** {@code http://<address>:<port>}. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  /**
   * A cloud-config for the guest: writes {@code marker} to a file, then runcmd POSTs that file's content and the
   * guest's mount table ({@code findmnt -rn -o TARGET,SOURCE,SIZE}, entries separated by ';') to {@code /marker} (so
   * the report proves write_files, runcmd and vendor-data mounts ran), and cloud-init's phone_home POSTs instance-id
   * and hostname to {@code /phone-home}.
   */
  public String cloudConfig(String marker) {
    if (!marker.matches("[A-Za-z0-9-]+")) {
      throw new IllegalArgumentException("marker must be letters, digits and '-': " + marker);
    }
    return "#cloud-config\n"
        + "write_files:\n"
        + "  - path: /var/lib/capkit/marker\n"
        + "    permissions: \"0644\"\n"
        + "    content: \"" + marker + "\"\n"
        + "runcmd:\n"
        + "  - [sh, -c, 'wget -q -O /dev/null --post-data=\"marker=$(cat /var/lib/capkit/marker)&mounts=$(findmnt -rn"
        + " -o TARGET,SOURCE,SIZE | tr \"\\n\" \";\")\" " + baseUrl() + "/marker']\n"
        + "phone_home:\n"
        + "  url: \"" + baseUrl() + "/phone-home\"\n"
        + "  post: [instance_id, hostname]\n"
        + "  tries: 10\n";
  }

  public synchronized List<Report> reports() {
    return List.copyOf(reports);
  }

  /** Waits until a report on {@code path} matches, at most {@code timeout}. */
  public synchronized Optional<Report> await(String path, Predicate<Report> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Report r : reports) {
        if (r.path().equals(path) && match.test(r)) {
          return Optional.of(r);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(MAX_BODY);
      }
      String text = new String(body, StandardCharsets.UTF_8);
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      Map<String, String> fields = type != null && type.startsWith("application/x-www-form-urlencoded")
          ? form(text) : Map.of("body", text);
      Report r = new Report(Instant.now(), ex.getRemoteAddress().getAddress().getHostAddress(),
          ex.getRequestURI().getPath(), fields);
      synchronized (this) {
        reports.add(r);
        notifyAll();
      }
      ex.sendResponseHeaders(200, -1);
    }
  }

  static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
