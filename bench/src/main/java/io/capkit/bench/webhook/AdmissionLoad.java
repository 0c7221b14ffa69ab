package io.capkit.bench.webhook;

import io.capkit.bench.BenchHost;
import io.capkit.bench.ResultsSection;
import io.capkit.bench.webhook.AdmissionReport.Setup;
import io.capkit.bench.webhook.LevelResult.Latency;
import io.capkit.testsupport.SelfSignedCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * The admission benchmark: starts capkit's webhook (child JVM) and CAPI's Cluster webhook (Go peer), drives both with
 * the same Cluster reviews at each concurrency level, and prints (and optionally writes into bench/RESULTS.md) the
 * "Admission webhook" section.
 *
 * <p>Options: {@code --peer BIN} (required), {@code --work DIR} (required: certificates, logs, JFR),
 * {@code --levels 1,16,64}, {@code --process-warmup 30}, {@code --warmup 5}, {@code --measure 10} (seconds),
 * {@code --results FILE}, {@code --go-mod FILE} (the peer's go.mod, for versions), {@code --go-version TEXT},
 * {@code --commit TEXT}, {@code --capkit-jvm "OPTIONS"} (default {@value #CAPKIT_JVM}),
 * {@code --capkit-threads N} (requests capkit evaluates at once; default its own).
 */
public final class AdmissionLoad {
  static final String CAPKIT_PATH = "/validate-cluster";
  static final String PEER_PATH = "/validate-cluster-x-k8s-io-v1beta2-cluster";
  static final String CAPKIT_METRIC = "capkit_webhook_request_duration_seconds";
  /**
   * The capkit pod's JVM settings (webhook/config/deployment.yaml, docs/webhook.md): its memory limit, so the heap is
   * sized as it would be there, and the collector chosen for short pauses on few CPUs.
   */
  static final String CAPKIT_JVM = "-XX:MaxRAM=512m -XX:+UseSerialGC -XX:MaxRAMPercentage=50 -Xmn32m";

  private final Map<String, String> options;
  private final SSLContext tls;
  private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AdmissionLoad(Map<String, String> options, SSLContext tls) {
    this.options = options;
    this.tls = tls;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    Path work = Path.of(required(options, "--work")).toAbsolutePath();
    Files.createDirectories(work);
    Path tlsDir = work.resolve("tls");
    SelfSignedCertificate cert = SelfSignedCertificate.generate("127.0.0.1");
    cert.writeTo(tlsDir);
    new AdmissionLoad(options, cert.trustingContext()).run(work, tlsDir);
  }

  private void run(Path work, Path tlsDir) throws Exception {
    int[] levels = Arrays.stream(options.getOrDefault("--levels", "1,16,64").split(","))
        .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    int processWarmup = Integer.parseInt(options.getOrDefault("--process-warmup", "30"));
    String loadBefore = BenchHost.loadAverage(", ");
    int warmup = Integer.parseInt(options.getOrDefault("--warmup", "5"));
    int measure = Integer.parseInt(options.getOrDefault("--measure", "10"));
    Path jfr = work.resolve("capkit.jfr");
    Files.deleteIfExists(jfr);

    List<String> capkitCommand = new ArrayList<>();
    capkitCommand.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    capkitCommand.addAll(capkitJvm());
    capkitCommand.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=default,dumponexit=true");
    capkitCommand.addAll(List.of("-cp", System.getProperty("java.class.path"), CapkitWebhookMain.class.getName(),
        tlsDir.resolve("tls.crt").toString(), tlsDir.resolve("tls.key").toString()));
    if (options.containsKey("--capkit-threads")) {
      capkitCommand.add(options.get("--capkit-threads"));
    }
    int peerPort = freePort();
    int peerMetrics = freePort();
    List<String> peerCommand = List.of(required(options, "--peer"), "-webhook-port", Integer.toString(peerPort),
        "-cert-dir", tlsDir.toString(), "-metrics-bind-address", "127.0.0.1:" + peerMetrics);

    List<LevelResult> results = new ArrayList<>();
    try (ServerProcess capkit = ServerProcess.start(AdmissionReport.CAPKIT, capkitCommand,
             work.resolve("capkit.log"), l -> l.startsWith(CapkitWebhookMain.PORT_LINE));
         ServerProcess peer = ServerProcess.start(AdmissionReport.PEER, peerCommand, work.resolve("capi.log"),
             l -> l.contains("Serving webhook server"))) {
      int capkitPort = Integer.parseInt(capkit.awaitLine(Duration.ofSeconds(60))
          .substring(CapkitWebhookMain.PORT_LINE.length()).trim());
      peer.awaitLine(Duration.ofSeconds(60));
      Target[] targets = {
          new Target(capkit, capkitPort, CAPKIT_PATH, () -> capkitBuckets(capkitPort)),
          new Target(peer, peerPort, PEER_PATH, () -> peerBuckets(peerMetrics))};
      for (Target t : targets) {
        probe(t);
        log("%s: process warm-up, 16 clients, %d s", t.process().name(), processWarmup);
        ClosedLoopLoad.run(tls, t.port(), t.path(), 16, Duration.ofSeconds(processWarmup), Duration.ofSeconds(1),
            Window.NONE);
      }
      for (int i = 0; i < levels.length; i++) {
        // Alternate who goes first, so that neither always runs right after the other's load.
        Target[] order = i % 2 == 0 ? targets : new Target[] {targets[1], targets[0]};
        for (Target t : order) {
          LevelResult r = measure(t, levels[i], warmup, measure);
          results.add(r);
          log("%s %3d clients: %.0f req/s, CPU %.1f µs/req (user %.1f, system %.1f; context switches %.2f voluntary, "
              + "%.2f involuntary), client p50 %s p99 %s p99.9 %s ms, server p99 %s ms, "
              + "RSS %d MiB, %d errors, load %s", r.server(), r.clients(), r.throughput(), r.cpuMicrosPerRequest(),
              r.split().userMicros(), r.split().systemMicros(), r.split().voluntarySwitches(),
              r.split().involuntarySwitches(),
              AdmissionReport.ms(r.clientLatency().p50()), AdmissionReport.ms(r.clientLatency().p99()),
              AdmissionReport.ms(r.clientLatency().p999()), AdmissionReport.ms(r.serverLatency().p99()),
              r.rssKb() / 1024, r.errors(), BenchHost.loadAverage(" "));
        }
      }
      capkit.stop(Duration.ofSeconds(60));
      peer.stop(Duration.ZERO);
    }
    List<String> profile = Files.exists(jfr) ? CapkitProfile.summarize(jfr, 8) : List.of();
    String section = AdmissionReport.section(setup(processWarmup, warmup, measure, loadBefore, BenchHost.loadAverage(", ")),
        results, profile);
    System.out.println(section);
    if (options.containsKey("--results")) {
      Path file = Path.of(options.get("--results"));
      ResultsSection.write(file, AdmissionReport.HEADING, section);
      log("wrote section \"%s\" of %s", AdmissionReport.HEADING, file);
    }
  }

  private List<String> capkitJvm() {
    return List.of(options.getOrDefault("--capkit-jvm", CAPKIT_JVM).trim().split("\\s+"));
  }

  private LevelResult measure(Target t, int clients, int warmup, int measure) throws Exception {
    Window w = new Window(t);
    ClosedLoopLoad.Outcome o = ClosedLoopLoad.run(tls, t.port(), t.path(), clients, Duration.ofSeconds(warmup),
        Duration.ofSeconds(measure), w);
    if (o.firstError() != null) {
      log("%s %d clients: first error: %s", t.process().name(), clients, o.firstError());
    }
    Histogram h = o.latencyNanos();
    Latency client = h.getTotalCount() == 0 ? Latency.UNKNOWN : new Latency(h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6, h.getValueAtPercentile(99.9) / 1e6);
    LatencyBuckets server = w.after.minus(w.before);
    double cpuMicros = (w.cpuAfter.minus(w.cpuBefore).toNanos() / 1e3) / Math.max(1, o.requests());
    double n = Math.max(1, o.requests());
    LevelResult.CpuSplit split = new LevelResult.CpuSplit(
        (w.countersAfter.userTicks() - w.countersBefore.userTicks()) * ServerProcess.Counters.TICK_MICROS / n,
        (w.countersAfter.systemTicks() - w.countersBefore.systemTicks()) * ServerProcess.Counters.TICK_MICROS / n,
        (w.countersAfter.voluntarySwitches() - w.countersBefore.voluntarySwitches()) / n,
        (w.countersAfter.involuntarySwitches() - w.countersBefore.involuntarySwitches()) / n);
    return new LevelResult(t.process().name(), clients, o.requests(), o.errors(), o.window().toMillis() / 1e3,
        client, Latency.fromBuckets(server), w.rss, w.peakRss, cpuMicros, split);
  }

  /** One request each before the load: the server answers, allows the Cluster and echoes the uid. */
  private void probe(Target t) throws IOException {
    ClusterReview review = new ClusterReview();
    try (KeepAliveConnection c = new KeepAliveConnection(tls, "127.0.0.1", t.port())) {
      KeepAliveConnection.Answer a = c.post(t.path(), review.stamp(0, 0));
      if (!ClosedLoopLoad.allowed(a, review.uid().getBytes(StandardCharsets.US_ASCII))) {
        throw new IOException(t.process().name() + " did not allow the benchmark Cluster: HTTP " + a.status() + " "
            + new String(a.body(), StandardCharsets.UTF_8));
      }
    }
  }

  private LatencyBuckets capkitBuckets(int port) throws IOException {
    try (KeepAliveConnection c = new KeepAliveConnection(tls, "127.0.0.1", port)) {
      KeepAliveConnection.Answer a = c.get("/metrics");
      return LatencyBuckets.fromPrometheusText(new String(a.body(), StandardCharsets.UTF_8), CAPKIT_METRIC,
          "endpoint", CAPKIT_PATH);
    }
  }

  private LatencyBuckets peerBuckets(int metricsPort) throws IOException {
    try {
      HttpResponse<String> r = plain.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metricsPort + "/latency-buckets")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return LatencyBuckets.fromBoundLines(r.body(), PEER_PATH);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private Setup setup(int processWarmup, int warmup, int measure, String loadBefore, String loadAfter)
      throws IOException {
    Map<String, String> goMod = options.containsKey("--go-mod")
        ? goModVersions(Files.readString(Path.of(options.get("--go-mod")))) : Map.of();
    return new Setup(Runtime.getRuntime().availableProcessors(), BenchHost.cpuModel(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        String.join(" ", capkitJvm()) + (options.containsKey("--capkit-threads") ? " … CapkitWebhookMain … "
            + options.get("--capkit-threads") : ""), options.getOrDefault("--go-version", "go (version not given)"),
        goMod.getOrDefault("sigs.k8s.io/cluster-api", "?"), goMod.getOrDefault("sigs.k8s.io/controller-runtime", "?"),
        options.getOrDefault("--commit", "?"), loadBefore, loadAfter, processWarmup, warmup, measure);
  }

  /** Module versions from the require lines of a go.mod. */
  static Map<String, String> goModVersions(String goMod) {
    Map<String, String> versions = new HashMap<>();
    for (String line : goMod.split("\n")) {
      String[] f = line.trim().replaceFirst("^require\\s+", "").split("\\s+");
      if (f.length >= 2 && f[1].startsWith("v") && !line.contains("=>")) {
        versions.putIfAbsent(f[0], f[1]);
      }
    }
    return versions;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got " + Arrays.toString(args));
      }
      m.put(args[i], args[++i]);
    }
    return m;
  }

  private static String required(Map<String, String> options, String name) {
    String v = options.get(name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }

  private static void log(String format, Object... args) {
    System.err.println("[admission-bench] " + String.format(Locale.ROOT, format, args));
  }

  interface BucketSource {
    LatencyBuckets scrape() throws IOException;
  }

  record Target(ServerProcess process, int port, String path, BucketSource buckets) {}

  /** Scrapes, CPU time and memory at the window's edges. */
  private static final class Window implements ClosedLoopLoad.WindowListener {
    static final ClosedLoopLoad.WindowListener NONE = new ClosedLoopLoad.WindowListener() {
      @Override
      public void windowStarts() {}

      @Override
      public void windowEnds() {}
    };
    private final Target target;
    LatencyBuckets before;
    LatencyBuckets after;
    Duration cpuBefore;
    Duration cpuAfter;
    ServerProcess.Counters countersBefore;
    ServerProcess.Counters countersAfter;
    long rss;
    long peakRss;

    Window(Target target) {
      this.target = target;
    }

    @Override
    public void windowStarts() throws IOException {
      cpuBefore = target.process().cpu();
      countersBefore = target.process().counters();
      before = target.buckets().scrape();
    }

    @Override
    public void windowEnds() throws IOException {
      cpuAfter = target.process().cpu();
      countersAfter = target.process().counters();
      after = target.buckets().scrape();
      rss = target.process().rssKb();
      peakRss = target.process().peakRssKb();
    }
  }
}
