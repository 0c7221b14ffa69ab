package io.capkit.bench.validate;

import io.capkit.bench.BenchHost;
import io.capkit.bench.KeyValueArgs;
import io.capkit.bench.ResultsSection;
import io.capkit.bench.TimedProcess;
import io.capkit.bench.render.GeneratedFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times {@code bin/capkit validate} of one cluster file as a whole process (wall, CPU, peak RSS from
 * {@code /usr/bin/time}) against {@code clusterctl generate cluster} of the same cluster, repetitions interleaved so
 * that both see the same load; the same on the fallback JDK (CAPKIT_JAVA) when the launcher picked a newer one; and
 * {@code capkit validate} of the whole generated fleet folder. Prints a table with the targets and writes the
 * "Validate" section of a results file.
 *
 * <p>Arguments are {@code key=value}: repo, work, clusterctl, reps, mcs, orgs, perOrg, folderReps, fallbackJava,
 * results.
 */
public final class ValidateBench {
  /** Issue 18: at most twice clusterctl's wall time, at most 64 MiB peak RSS of the whole process. */
  static final double TARGET_RATIO = 2.0;
  static final long TARGET_RSS_MIB = 64;
  private static final Pattern K8S = Pattern.compile("- name: kubernetes\\s+version: (\\S+)");

  /** The wrapper that times every command of this bench, capkit's and clusterctl's alike (see {@link #METHOD}). */
  private static Path wait4;

  static final String METHOD = "Every command, capkit's and clusterctl's alike, runs under `bench/validate/wait4.py`: "
      + "wall from just before its fork to wait4's return (a monotonic clock), CPU (user+sys) and peak RSS (ru_maxrss) "
      + "from wait4's rusage of the process, all in microseconds (the measure of `/usr/bin/time -f '%e %U %S %M'`, "
      + "which rounds to 10 ms steps: ±50 % of a 20 ms peer).";

  private ValidateBench() {}

  record Run(double wallS, double cpuS, long maxRssKb) {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = KeyValueArgs.parse(argv);
    Path repo = Path.of(a.get("repo")).toAbsolutePath();
    Path work = Path.of(a.get("work")).toAbsolutePath();
    int reps = Integer.parseInt(a.getOrDefault("reps", "20"));
    int folderReps = Integer.parseInt(a.getOrDefault("folderReps", "2"));
    String fallbackJava = a.getOrDefault("fallbackJava", "");
    wait4 = repo.resolve("bench/validate/wait4.py");
    String loadStart = BenchHost.loadAverage(" ");

    List<String> releases = List.of("v1.0.0", "v1.1.0", "v1.2.0");
    GeneratedFleet fleet = GeneratedFleet.of(Integer.parseInt(a.getOrDefault("mcs", "2")),
        Integer.parseInt(a.getOrDefault("orgs", "10")), Integer.parseInt(a.getOrDefault("perOrg", "500")), releases);
    Path fleetDir = work.resolve("fleet");
    fleet.write(fleetDir);
    GeneratedFleet.Cluster c = fleet.clusters().get(0);
    Path clusterFile = fleetDir.resolve("management-clusters").resolve(c.mc()).resolve("organizations")
        .resolve(c.org()).resolve("workload-clusters").resolve(c.name()).resolve("cluster.yaml");
    String capkit = repo.resolve("bin/capkit").toString();
    List<String> validateOne = List.of(capkit, "validate", clusterFile.toString());

    Map<String, String> k8s = new LinkedHashMap<>();
    for (String r : releases) {
      Matcher m = K8S.matcher(Files.readString(repo.resolve("releases").resolve(r).resolve("release.yaml")));
      if (!m.find()) {
        throw new IllegalStateException("no kubernetes component in release " + r);
      }
      k8s.put(r, "v" + m.group(1));
    }
    Map<String, String> vars = fleet.layered(c);
    List<String> generate = List.of(a.get("clusterctl"), "generate", "cluster", c.name(), "--from",
        repo.resolve("clusterctl/cluster-template.yaml").toString(), "--target-namespace", fleet.namespace(c),
        "--kubernetes-version", k8s.get(c.release()),
        "--control-plane-machine-count", vars.getOrDefault("CONTROL_PLANE_MACHINE_COUNT", "3"),
        "--worker-machine-count", vars.getOrDefault("WORKER_MACHINE_COUNT", "3"));
    Map<String, String> clusterctlEnv = new LinkedHashMap<>(vars);
    clusterctlEnv.put("CLUSTERCTL_DISABLE_VERSIONCHECK", "true");
    Map<String, String> fallbackEnv = fallbackJava.isEmpty() ? null : Map.of("CAPKIT_JAVA", fallbackJava);

    // Untimed: bin/capkit's first validate after a build records its class-data archive (one per JDK).
    String out = timed(validateOne, work, Map.of(), "capkit validate").out;
    if (!out.equals("1 files valid\n")) {
      throw new IllegalStateException("unexpected output of capkit validate: " + out);
    }
    if (fallbackEnv != null) {
      timed(validateOne, work, fallbackEnv, "capkit validate (fallback JDK)");
    }
    timed(generate, work, clusterctlEnv, "clusterctl");

    List<Run> capkitRuns = new ArrayList<>();
    List<Run> fallbackRuns = new ArrayList<>();
    List<Run> clusterctlRuns = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      capkitRuns.add(timed(validateOne, work, Map.of(), "capkit validate").run);
      clusterctlRuns.add(timed(generate, work, clusterctlEnv, "clusterctl").run);
      if (fallbackEnv != null) {
        fallbackRuns.add(timed(validateOne, work, fallbackEnv, "capkit validate (fallback JDK)").run);
      }
    }
    List<String> validateFleet = List.of(capkit, "validate", fleetDir.toString());
    List<Run> folderRuns = new ArrayList<>();
    List<Run> folderFallbackRuns = new ArrayList<>();
    String folderOut = "";
    for (int i = 0; i < folderReps; i++) {
      Timed t = timed(validateFleet, work, Map.of(), "capkit validate of the fleet");
      folderOut = t.out.strip();
      folderRuns.add(t.run);
      if (fallbackEnv != null) {
        folderFallbackRuns.add(timed(validateFleet, work, fallbackEnv, "capkit validate of the fleet").run);
      }
    }
    String loadEnd = BenchHost.loadAverage(" ");

    double capkitWall = median(capkitRuns, Run::wallS);
    double clusterctlWall = median(clusterctlRuns, Run::wallS);
    double ratio = capkitWall / clusterctlWall;
    long capkitRss = (long) median(capkitRuns, r -> r.maxRssKb) / 1024;
    long capkitRssMax = (long) max(capkitRuns, r -> r.maxRssKb) / 1024;
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT, """
        | measure (median of %d interleaved runs; min–max) | wall | CPU (user+sys) | peak RSS |
        | --- | --- | --- | --- |
        | `bin/capkit validate` of one cluster file (%s) | %s | %s | %s |
        | `clusterctl generate cluster` of the same cluster (peer) | %s | %s | %s |
        """, reps, javaLabel(repo), figures(capkitRuns, Run::wallS, "s"), figures(capkitRuns, Run::cpuS, "s"),
        rss(capkitRuns), figures(clusterctlRuns, Run::wallS, "s"), figures(clusterctlRuns, Run::cpuS, "s"),
        rss(clusterctlRuns)));
    if (!fallbackRuns.isEmpty()) {
      table.append(String.format(Locale.ROOT, "| `bin/capkit validate` of one cluster file, `CAPKIT_JAVA=%s` | %s | %s | %s |%n",
          fallbackJava, figures(fallbackRuns, Run::wallS, "s"), figures(fallbackRuns, Run::cpuS, "s"), rss(fallbackRuns)));
    }
    table.append(String.format(Locale.ROOT, "| `bin/capkit validate` of the whole fleet folder (%d clusters; %s), %d runs | %s | %s | %s |%n",
        fleet.clusters().size(), folderOut, folderRuns.size(), figures(folderRuns, Run::wallS, "s"),
        figures(folderRuns, Run::cpuS, "s"), rss(folderRuns)));
    if (!folderFallbackRuns.isEmpty()) {
      table.append(String.format(Locale.ROOT, "| the same, `CAPKIT_JAVA=%s` | %s | %s | %s |%n", fallbackJava,
          figures(folderFallbackRuns, Run::wallS, "s"), figures(folderFallbackRuns, Run::cpuS, "s"),
          rss(folderFallbackRuns)));
    }
    String targets = String.format(Locale.ROOT, """
        | target (issue 18) | measured | |
        | --- | --- | --- |
        | wall ≤ %.0f× clusterctl's, same run | %.2f× (%.3f s / %.3f s; CPU %.2f×) | %s |
        | peak RSS of the whole process ≤ %d MiB | %d MiB median, %d MiB max | %s |
        """, TARGET_RATIO, ratio, capkitWall, clusterctlWall,
        median(capkitRuns, Run::cpuS) / median(clusterctlRuns, Run::cpuS), ratio <= TARGET_RATIO ? "met" : "missed",
        TARGET_RSS_MIB, capkitRss, capkitRssMax, capkitRssMax <= TARGET_RSS_MIB ? "met" : "missed");
    String machine = String.format(Locale.ROOT, """
        Machine: %d CPUs (%s), load average at start `%s`, at end `%s` (the machine is shared; other jobs ran at \
        the same time). Command: `bench/validate/run.sh`; capkit's JVM and options are `bin/capkit`'s (see \
        docs/renderer.md, "The launcher"), each with the class-data archive its first run recorded (untimed). %s
        """, Runtime.getRuntime().availableProcessors(), BenchHost.cpuModel(), loadStart, loadEnd, METHOD);
    System.out.println();
    System.out.print(table);
    System.out.println();
    System.out.print(targets);
    System.out.print(machine);
    if (a.containsKey("results")) {
      String notes = a.containsKey("notes") && Files.exists(Path.of(a.get("notes")))
          ? "\n" + Files.readString(Path.of(a.get("notes"))).stripTrailing() + "\n" : "";
      ResultsSection.write(Path.of(a.get("results")), "Validate", "## Validate\n\n" + machine + "\n" + table + "\n"
          + targets + notes);
    }
  }

  // The archives bin/capkit recorded name the JDK builds that ran validate (capkit-validate.<runtime version>.aot|jsa).
  private static String javaLabel(Path repo) throws IOException {
    try (var files = Files.list(repo.resolve("cli/target"))) {
      List<String> names = files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("capkit-validate.") && (n.endsWith(".aot") || n.endsWith(".jsa"))).sorted()
          .toList();
      return "JVM chosen by bin/capkit; archives recorded: " + (names.isEmpty() ? "none" : String.join(", ", names));
    }
  }

  record Timed(Run run, String out) {}

  private static Timed timed(List<String> cmd, Path work, Map<String, String> env, String what)
      throws IOException, InterruptedException {
    Path time = work.resolve("time.txt");
    TimedProcess p = TimedProcess.run(work, work, env, cmd, what, true, List.of("python3", wait4.toString(),
        time.toString()), time);
    return new Timed(new Run(p.wallS(), p.cpuS(), p.maxRssKb()), p.out());
  }

  static double median(List<Run> runs, ToDoubleFunction<Run> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double max(List<Run> runs, ToDoubleFunction<Run> f) {
    return runs.stream().mapToDouble(f).max().orElseThrow();
  }

  private static double min(List<Run> runs, ToDoubleFunction<Run> f) {
    return runs.stream().mapToDouble(f).min().orElseThrow();
  }

  private static String figures(List<Run> runs, ToDoubleFunction<Run> f, String unit) {
    return String.format(Locale.ROOT, "%.3f %s (%.3f–%.3f)", median(runs, f), unit, min(runs, f), max(runs, f));
  }

  private static String rss(List<Run> runs) {
    return String.format(Locale.ROOT, "%d MiB (%d–%d)", (long) median(runs, r -> r.maxRssKb) / 1024,
        (long) min(runs, r -> r.maxRssKb) / 1024, (long) max(runs, r -> r.maxRssKb) / 1024);
  }
}
