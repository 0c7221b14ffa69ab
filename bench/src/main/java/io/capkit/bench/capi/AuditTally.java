package io.capkit.bench.capi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * API requests by client, read from a kube-apiserver audit log (JSON lines, level Metadata, stage RequestReceived
 * omitted): each request whose {@code requestReceivedTimestamp} falls in a window is counted for its client — the
 * first word of its User-Agent (controller-runtime managers send their binary's name, capkit's provider
 * {@code capkit-kvm-provider}, the harness {@code capkit-bench-capi}) — by {@code verb resource[/subresource]}, with
 * the time the API server took to answer it (stageTimestamp − requestReceivedTimestamp of stage ResponseComplete).
 * A watch is counted once, at stage ResponseStarted; its open time is not API server work and is not summed.
 */
public final class AuditTally {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LATENCY = "apiserver.latency.k8s.io/";

  /** One client's requests: how many, how long the server took on them in all, and by verb and resource. */
  public static final class Client {
    private long requests;
    private double serverMillis;
    private final Map<String, Long> byRequest = new TreeMap<>();
    private long brokenDown;
    private final Map<String, Double> latencyMillis = new TreeMap<>();

    public long requests() {
      return requests;
    }

    /** Sum over the client's non-watch requests of the API server's answer time. */
    public double serverMillis() {
      return serverMillis;
    }

    public Map<String, Long> byRequest() {
      return byRequest;
    }

    /** Requests whose answer time the API server broke down (it annotates the slow ones, over about 500 ms). */
    public long brokenDown() {
      return brokenDown;
    }

    /**
     * Over the broken-down requests, milliseconds by part ({@code mutating-webhook}, {@code validating-webhook},
     * {@code etcd}, {@code response-write}, {@code total}, …), from the {@code apiserver.latency.k8s.io/} annotations.
     */
    public Map<String, Double> latencyMillis() {
      return latencyMillis;
    }

    /** The {@code n} most frequent kinds of request, most first (ties by name). */
    public List<Map.Entry<String, Long>> top(int n) {
      return byRequest.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
          .thenComparing(Map.Entry.comparingByKey())).limit(n).toList();
    }
  }

  private final Instant from;
  private final Instant to;
  private final Map<String, Client> clients = new TreeMap<>();
  private long skipped;

  /** A tally of the requests received in [{@code from}, {@code to}). */
  public AuditTally(Instant from, Instant to) {
    this.from = from;
    this.to = to;
  }

  /** Tallies every line of an audit log file. */
  public static AuditTally read(Path log, Instant from, Instant to) {
    AuditTally t = new AuditTally(from, to);
    try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        t.accept(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit log " + log, e);
    }
    return t;
  }

  /** Counts one audit event (a JSON line); lines that are not audit events are counted as skipped. */
  public void accept(String line) {
    if (line.isBlank()) {
      return;
    }
    JsonNode e;
    try {
      e = JSON.readTree(line);
    } catch (IOException notJson) {
      skipped++;
      return;
    }
    String stage = e.path("stage").asText("");
    String verb = e.path("verb").asText("");
    boolean watch = verb.equals("watch");
    if (!(watch ? stage.equals("ResponseStarted") : stage.equals("ResponseComplete"))) {
      return;
    }
    Instant received;
    try {
      received = Instant.parse(e.path("requestReceivedTimestamp").asText());
    } catch (RuntimeException bad) {
      skipped++;
      return;
    }
    if (received.isBefore(from) || !received.isBefore(to)) {
      return;
    }
    JsonNode ref = e.path("objectRef");
    String resource = ref.path("resource").asText("");
    String sub = ref.path("subresource").asText("");
    String what = resource.isEmpty() ? e.path("requestURI").asText("?").replaceAll("\\?.*", "")
        : resource + (sub.isEmpty() ? "" : "/" + sub);
    Client c = clients.computeIfAbsent(client(e.path("userAgent").asText("")), k -> new Client());
    c.requests++;
    c.byRequest.merge(verb + " " + what, 1L, Long::sum);
    JsonNode annotations = e.path("annotations");
    if (annotations.has(LATENCY + "total")) {
      c.brokenDown++;
      annotations.fields().forEachRemaining(a -> {
        if (a.getKey().startsWith(LATENCY)) {
          double ms = goDurationMillis(a.getValue().asText(""));
          if (!Double.isNaN(ms)) {
            c.latencyMillis.merge(a.getKey().substring(LATENCY.length()), ms, Double::sum);
          }
        }
      });
    }
    if (!watch) {
      try {
        Instant done = Instant.parse(e.path("stageTimestamp").asText());
        c.serverMillis += Duration.between(received, done).toNanos() / 1e6;
      } catch (RuntimeException bad) {
        skipped++;
      }
    }
  }

  /**
   * Milliseconds of a Go duration as {@code time.Duration.String()} writes it ({@code 197.850769ms}, {@code 4.001µs},
   * {@code 1m2.5s}, {@code 0s}); NaN when it is not one.
   */
  public static double goDurationMillis(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|m(?!s)|s|ms|µs|us|ns)")
        .matcher(text);
    double ms = 0;
    int at = 0;
    while (m.find() && m.start() == at) {
      double v = Double.parseDouble(m.group(1));
      ms += v * switch (m.group(2)) {
        case "h" -> 3_600_000.0;
        case "m" -> 60_000.0;
        case "s" -> 1000.0;
        case "ms" -> 1.0;
        case "µs", "us" -> 1e-3;
        default -> 1e-6;
      };
      at = m.end();
    }
    return at == text.length() && at > 0 ? ms : Double.NaN;
  }

  /** The client a User-Agent names: its first word up to {@code /} or a space; "unknown" when empty. */
  public static String client(String userAgent) {
    String ua = userAgent.strip();
    int end = ua.length();
    for (int i = 0; i < ua.length(); i++) {
      char ch = ua.charAt(i);
      if (ch == '/' || ch == ' ') {
        end = i;
        break;
      }
    }
    return end == 0 ? "unknown" : ua.substring(0, end);
  }

  /** Clients by name. */
  public Map<String, Client> clients() {
    return clients;
  }

  /** Clients, most requests first. */
  public List<Map.Entry<String, Client>> byRequests() {
    return clients.entrySet().stream().sorted(Comparator.comparingLong(
        (Map.Entry<String, Client> x) -> x.getValue().requests()).reversed().thenComparing(Map.Entry::getKey)).toList();
  }

  public long total() {
    return clients.values().stream().mapToLong(Client::requests).sum();
  }

  /** Lines that were not audit events or had unreadable timestamps. */
  public long skipped() {
    return skipped;
  }
}
