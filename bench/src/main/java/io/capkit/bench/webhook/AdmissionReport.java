package io.capkit.bench.webhook;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** Turns the measured levels into the "Admission webhook" section of bench/RESULTS.md (pure: values in, text out). */
public final class AdmissionReport {
  public static final String HEADING = "Admission webhook";
  public static final String CAPKIT = "capkit";
  public static final String PEER = "capi";
  /** Issue #5: p99 at the highest concurrency level. */
  public static final double TARGET_P99_MS = 2.0;
  /** Issue #18: server CPU (user + system) per request at every level, at most this many µs. */
  public static final double TARGET_CPU_MICROS = 40;
  /** Issue #18: capkit's throughput at least this many times the Go peer's at every level. */
  public static final double TARGET_THROUGHPUT_RATIO = 3;

  /** How the run was set up; printed so that a reader can repeat it. */
  public record Setup(int cpus, String cpuModel, String os, String jdk, String capkitJvmOptions, String go,
                      String capiVersion, String controllerRuntimeVersion, String capkitCommit, String loadBefore,
                      String loadAfter,
                      int processWarmupSeconds, int warmupSeconds, int measureSeconds) {}

  private AdmissionReport() {}

  public static String section(Setup setup, List<LevelResult> results, List<String> profile) {
    StringBuilder md = new StringBuilder();
    md.append("## ").append(HEADING).append("\n\n");
    md.append("`bench/webhook/run.sh` (harness `io.capkit.bench.webhook.AdmissionLoad`): AdmissionReview v1 CREATE of "
        + "the same CAPI `cluster.x-k8s.io/v1beta2` Cluster (labelled `release.capkit.io/version: "
        + ClusterReview.RELEASE + "`, an active release in capkit's in-memory `ReleaseLookup`) sent to\n\n");
    md.append("- **capkit**: `WebhookServer` `/validate-cluster` (on capkit's `HttpServer`: Netty, one event "
        + "loop per CPU handling the requests it reads, TLS by BoringSSL through netty-tcnative) in its own JVM (`java ").append(setup.capkitJvmOptions())
        .append("`: the deployment's 512 Mi memory limit and its `JAVA_TOOL_OPTIONS`), JFR sampling on;\n");
    md.append("- **capi** (peer): Cluster API ").append(setup.capiVersion())
        .append("'s own Cluster webhook (`sigs.k8s.io/cluster-api/core/webhooks/admission.Cluster`, defaulting + "
            + "validating, registered by `SetupWebhookWithManager` on a controller-runtime ")
        .append(setup.controllerRuntimeVersion())
        .append(" manager, fake client, default feature gates; it also serves the defaulting and conversion "
            + "endpoints, the load goes to `/validate-cluster-x-k8s-io-v1beta2-cluster`), built by "
            + "`bench/go-peer/build.sh`.\n\n");
    md.append("Both over TLS 1.3 (ECDSA P-256 certificate from a throwaway CA) on 127.0.0.1, HTTP/1.1 keep-alive, "
        + "closed loop: each client owns one connection and sends its next request when the answer arrives. Per "
        + "server: ").append(setup.processWarmupSeconds()).append(" s process warm-up at 16 clients, then per level ")
        .append(setup.warmupSeconds()).append(" s warm-up and ").append(setup.measureSeconds())
        .append(" s measured, both servers at each level one after the other (which goes first alternates). Each "
            + "client sends a first, uncounted request as soon as its connection is up. Client latency: HdrHistogram in the load "
            + "generator (send to last byte). Server latency: **estimated from the servers' own histograms** "
            + "(delta of two scrapes around the window, linear interpolation in the bucket; capkit: "
            + "`capkit_webhook_request_duration_seconds` buckets, from the request read whole to the response "
            + "written; peer: the native buckets of "
            + "`controller_runtime_webhook_latency_seconds`, about 9 % wide, the time in its HTTP handler). RSS: `VmRSS` at the end of the window "
            + "(peak `VmHWM`). CPU: server process user+system time in the window per request. The load generator "
            + "runs on the same machine and shares its CPUs with both servers.\n\n");
    md.append("Machine: ").append(setup.cpus()).append(" CPUs (").append(setup.cpuModel()).append("), ")
        .append(setup.os()).append("; ").append(setup.jdk()).append("; ").append(setup.go())
        .append("; capkit commit ").append(setup.capkitCommit()).append(". Load average (1, 5, 15 min) before the "
            + "run: ").append(setup.loadBefore()).append(", after: ").append(setup.loadAfter())
        .append(" — the machine is shared, so absolute figures move between runs; the ratios compare servers "
            + "measured seconds apart under the same conditions.\n\n");

    md.append("| clients | server | req/s | client p50 ms | client p99 ms | client p99.9 ms | server p50 ms* "
        + "| server p99 ms* | server p99.9 ms* | RSS MiB (peak) | CPU µs/req | errors |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    List<LevelResult> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingInt(LevelResult::clients).thenComparing(LevelResult::server));
    for (LevelResult r : sorted) {
      md.append("| ").append(r.clients()).append(" | ").append(r.server()).append(" | ")
          .append(fmt("%.0f", r.throughput())).append(" | ")
          .append(ms(r.clientLatency().p50())).append(" | ").append(ms(r.clientLatency().p99())).append(" | ")
          .append(ms(r.clientLatency().p999())).append(" | ")
          .append(ms(r.serverLatency().p50())).append(" | ").append(ms(r.serverLatency().p99())).append(" | ")
          .append(ms(r.serverLatency().p999())).append(" | ")
          .append(fmt("%.0f", r.rssKb() / 1024.0)).append(" (").append(fmt("%.0f", r.peakRssKb() / 1024.0))
          .append(") | ").append(fmt("%.0f", r.cpuMicrosPerRequest())).append(" | ").append(r.errors())
          .append(" |\n");
    }
    md.append("\n\\* estimated from histogram buckets, see above.\n\n");
    md.append("Where the CPU per request goes, user against system time (`/proc/PID/stat`, 10 ms ticks), and the "
        + "server's context switches per request summed over its threads (voluntary: a thread blocked — in "
        + "`epoll_wait`, on a lock — and was woken; involuntary: preempted). With one client every request puts the "
        + "server's thread to sleep and wakes it, which is system time, and on a quiet virtual machine an idle "
        + "virtual CPU's sleep and wake-up costs more than on a busy one:\n\n");
    md.append("| clients | server | user µs/req | system µs/req | voluntary switches/req | involuntary switches/req |\n");
    md.append("|---:|---|---:|---:|---:|---:|\n");
    for (LevelResult r : sorted) {
      md.append("| ").append(r.clients()).append(" | ").append(r.server()).append(" | ")
          .append(num("%.1f", r.split().userMicros())).append(" | ").append(num("%.1f", r.split().systemMicros()))
          .append(" | ").append(num("%.2f", r.split().voluntarySwitches())).append(" | ")
          .append(num("%.2f", r.split().involuntarySwitches())).append(" |\n");
    }
    md.append('\n');

    md.append("capkit / capi, same run (throughput: above 1 is better; latency: below 1 is better):\n\n");
    md.append("| clients | throughput | client p99 | server p99* |\n|---:|---:|---:|---:|\n");
    for (int clients : levels(results)) {
      Optional<LevelResult> c = find(results, CAPKIT, clients);
      Optional<LevelResult> p = find(results, PEER, clients);
      if (c.isEmpty() || p.isEmpty()) {
        continue;
      }
      md.append("| ").append(clients).append(" | ").append(ratio(c.get().throughput(), p.get().throughput()))
          .append(" | ").append(ratio(c.get().clientLatency().p99(), p.get().clientLatency().p99()))
          .append(" | ").append(ratio(c.get().serverLatency().p99(), p.get().serverLatency().p99())).append(" |\n");
    }
    md.append('\n');
    md.append("Targets (issue #18), per level:\n\n");
    for (String line : cpuAndThroughputVerdicts(results)) {
      md.append("- ").append(line).append('\n');
    }
    md.append("\nTargets (issue #5):\n\n");
    for (String line : verdicts(results)) {
      md.append("- ").append(line).append('\n');
    }
    if (!profile.isEmpty()) {
      md.append("\nWhere capkit's Java CPU time goes (JFR execution samples of the capkit JVM over the whole run, "
          + "each sample counted for the innermost layer on its stack; JDK collections and strings count for their "
          + "caller; JFR samples only threads running Java code, so time inside native code — BoringSSL's "
          + "crypto, epoll, the kernel — is in the CPU µs/req column but not in these shares):\n\n");
      for (String line : profile) {
        md.append("- ").append(line).append('\n');
      }
    }
    return md.toString();
  }

  /** One line per target, saying met or missed with the numbers. */
  public static List<String> verdicts(List<LevelResult> results) {
    List<String> lines = new ArrayList<>();
    TreeSet<Integer> levels = levels(results);
    if (levels.isEmpty()) {
      return lines;
    }
    int top = levels.last();
    find(results, CAPKIT, top).ifPresent(c -> {
      lines.add("p99 ≤ " + fmt("%.0f", TARGET_P99_MS) + " ms at " + top + " clients, server side: "
          + ms(c.serverLatency().p99()) + " ms — " + (c.serverLatency().p99() <= TARGET_P99_MS ? "**met**" : "**missed**"));
      lines.add("p99 ≤ " + fmt("%.0f", TARGET_P99_MS) + " ms at " + top + " clients, client side: "
          + ms(c.clientLatency().p99()) + " ms — " + (c.clientLatency().p99() <= TARGET_P99_MS ? "**met**" : "**missed**")
          + " (with " + top + " requests in flight a closed loop waits about " + top + " / throughput = "
          + ms(top * 1e3 / Math.max(c.throughput(), 1e-9)) + " ms on average, queueing included)");
    });
    List<String> behind = new ArrayList<>();
    for (int clients : levels) {
      Optional<LevelResult> c = find(results, CAPKIT, clients);
      Optional<LevelResult> p = find(results, PEER, clients);
      if (c.isPresent() && p.isPresent() && c.get().throughput() < p.get().throughput()) {
        behind.add(clients + " clients (" + fmt("%.0f", c.get().throughput()) + " vs " + fmt("%.0f",
            p.get().throughput()) + " req/s)");
      }
    }
    lines.add("throughput ≥ the Go peer's at every level: " + (behind.isEmpty() ? "**met**"
        : "**missed** at " + String.join(", ", behind)));
    return lines;
  }

  /**
   * Issue #18, one line per level: capkit's CPU per request against {@link #TARGET_CPU_MICROS} and its throughput
   * against {@link #TARGET_THROUGHPUT_RATIO} times the peer's, each met or missed.
   */
  public static List<String> cpuAndThroughputVerdicts(List<LevelResult> results) {
    List<String> lines = new ArrayList<>();
    for (int clients : levels(results)) {
      Optional<LevelResult> c = find(results, CAPKIT, clients);
      Optional<LevelResult> p = find(results, PEER, clients);
      if (c.isEmpty()) {
        continue;
      }
      double cpu = c.get().cpuMicrosPerRequest();
      StringBuilder line = new StringBuilder().append(clients).append(clients == 1 ? " client" : " clients")
          .append(": CPU ").append(fmt("%.1f", cpu)).append(" µs/req (≤ ").append(fmt("%.0f", TARGET_CPU_MICROS))
          .append(") — ").append(cpu <= TARGET_CPU_MICROS ? "**met**" : "**missed**");
      if (p.isPresent()) {
        double ratio = c.get().throughput() / Math.max(p.get().throughput(), 1e-9);
        line.append("; throughput ").append(fmt("%.0f", c.get().throughput())).append(" / ")
            .append(fmt("%.0f", p.get().throughput())).append(" req/s = ").append(fmt("%.2f", ratio))
            .append("× the peer's (≥ ").append(fmt("%.0f", TARGET_THROUGHPUT_RATIO)).append("×) — ")
            .append(ratio >= TARGET_THROUGHPUT_RATIO ? "**met**" : "**missed**");
      }
      lines.add(line.toString());
    }
    return lines;
  }

  private static TreeSet<Integer> levels(List<LevelResult> results) {
    TreeSet<Integer> levels = new TreeSet<>();
    results.forEach(r -> levels.add(r.clients()));
    return levels;
  }

  private static Optional<LevelResult> find(List<LevelResult> results, String server, int clients) {
    return results.stream().filter(r -> r.server().equals(server) && r.clients() == clients).findFirst();
  }

  static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "n/a" : fmt("%.2f", a / b);
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : fmt(v < 10 ? "%.3f" : "%.1f", v);
  }

  private static String num(String pattern, double v) {
    return Double.isNaN(v) ? "n/a" : fmt(pattern, v);
  }

  private static String fmt(String pattern, double v) {
    return String.format(Locale.ROOT, pattern, v);
  }
}
