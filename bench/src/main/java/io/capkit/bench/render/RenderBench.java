package io.capkit.bench.render;

import io.capkit.bench.KeyValueArgs;
import io.capkit.bench.BenchHost;
import io.capkit.bench.ResultsSection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Times {@code bin/capkit render} on a generated fleet as a separate process (wall, CPU and peak RSS from
 * {@code /usr/bin/time}), its peak heap in-process, and {@code clusterctl generate cluster} on a sample of the
 * same clusters; prints a table and writes the "Renderer" section of a results file.
 *
 * <p>Arguments are {@code key=value}: repo, work, mcs, orgs, perOrg, reps, clusterctl, sample, results, benchCp,
 * heapJava, heapJavaOpts (the java and options `bin/capkit render` runs with, as `CAPKIT_PRINT_JVM=1` prints them).
 */
public final class RenderBench {
  private static final Pattern K8S = Pattern.compile("- name: kubernetes\\s+version: (\\S+)");

  private RenderBench() {}

  record Run(double wallS, double cpuS, long maxRssKb, String load) {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = KeyValueArgs.parse(argv);
    Path repo = Path.of(a.get("repo")).toAbsolutePath();
    Path work = Path.of(a.get("work")).toAbsolutePath();
    int mcs = Integer.parseInt(a.getOrDefault("mcs", "2"));
    int orgs = Integer.parseInt(a.getOrDefault("orgs", "10"));
    int perOrg = Integer.parseInt(a.getOrDefault("perOrg", "500"));
    int reps = Integer.parseInt(a.getOrDefault("reps", "3"));
    int sample = Integer.parseInt(a.getOrDefault("sample", "50"));
    String loadStart = BenchHost.loadAverage(" ");

    List<String> releases = List.of("v1.0.0", "v1.1.0", "v1.2.0");
    GeneratedFleet fleet = GeneratedFleet.of(mcs, orgs, perOrg, releases);
    Path fleetDir = work.resolve("fleet");
    Path out = work.resolve("out");
    fleet.write(fleetDir);
    int n = fleet.clusters().size();
    System.out.printf(Locale.ROOT, "generated %d clusters in %s (load average %s)%n", n, fleetDir, loadStart);

    // --full: these rows time the whole rendering; the incremental rows (IncrementalRenderBench) drop it.
    List<String> render = List.of(repo.resolve("bin/capkit").toString(), "render", "--full", "--fleet",
        fleetDir.toString(), "--releases", repo.resolve("releases").toString(), "--out", out.toString());
    // bin/capkit's first render after a build records its class-data archive: not part of any timed run.
    timed(List.of(render.get(0), "render", "--fleet", repo.resolve("fleet-repo-example").toString(), "--releases",
        repo.resolve("releases").toString(), "--out", work.resolve("prime-out").toString()), work);
    if (a.getOrDefault("only", "").equals("rerender")) {
      rerenderOnly(a, repo, work, fleetDir, fleet, out, render, reps, loadStart);
      return;
    }
    // The target row: into an empty folder (every file new), `reps` runs, the folder emptied untimed before each.
    List<Run> empty = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      deleteTree(out);
      Files.createDirectories(out);
      Run r = timed(render, work);
      System.out.printf(Locale.ROOT, "into an empty folder %d: %.2f s wall, %.2f s CPU, %d MiB peak RSS (load %s)%n",
          i + 1, r.wallS, r.cpuS, r.maxRssKb / 1024, r.load);
      empty.add(r);
    }
    // Later runs find the output up to date.
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      Run r = timed(render, work);
      System.out.printf(Locale.ROOT, "up to date %d: %.2f s wall, %.2f s CPU, %d MiB peak RSS (load %s)%n", i + 1,
          r.wallS, r.cpuS, r.maxRssKb / 1024, r.load);
      runs.add(r);
    }
    long rendered;
    try (Stream<Path> files = Files.walk(out)) {
      rendered = files.filter(p -> p.getFileName().toString().equals("manifests.yaml")).count();
    }
    if (rendered != n) {
      throw new IllegalStateException("expected " + n + " rendered clusters, found " + rendered);
    }

    // Issue 18: re-render after one cluster file changed, on this output, against the full renders above.
    String incremental = null;
    if (!a.getOrDefault("incremental", "1").equals("0")) {
      List<String> incRender = new ArrayList<>(render);
      incRender.remove("--full");
      incremental = IncrementalRenderBench.run(incRender, repo.resolve("cli/target/capkit.jar"), fleetDir, fleet, work,
          reps, runs.stream().mapToDouble(Run::wallS).sorted().skip(runs.size() / 2).findFirst().orElseThrow(),
          runs.stream().mapToDouble(Run::cpuS).sorted().skip(runs.size() / 2).findFirst().orElseThrow(),
          Path.of(a.getOrDefault("java25", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")));
    }

    List<String> heapCmd = new ArrayList<>();
    heapCmd.add(a.getOrDefault("heapJava", "java"));
    for (String opt : a.getOrDefault("heapJavaOpts", "").split(" ")) {
      if (!opt.isBlank()) {
        heapCmd.add(opt);
      }
    }
    heapCmd.addAll(List.of("-cp", repo.resolve("cli/target/capkit.jar") + ":" + a.get("benchCp"),
        InProcessRender.class.getName()));
    heapCmd.addAll(render.subList(1, render.size()));
    String heapLine = capture(heapCmd, work).trim();
    long heapPeak = Long.parseLong(heapLine.replaceAll(".*heapPeakBytes=(\\d+).*", "$1"));

    // clusterctl: the same clusters (spread over the fleet), one process each, as a script would run it.
    Path clusterctl = Path.of(a.get("clusterctl"));
    Path ccOut = work.resolve("clusterctl-out");
    Files.createDirectories(ccOut);
    Map<String, String> k8s = new LinkedHashMap<>();
    for (String r : releases) {
      Matcher m = K8S.matcher(Files.readString(repo.resolve("releases").resolve(r).resolve("release.yaml")));
      if (!m.find()) {
        throw new IllegalStateException("no kubernetes component in release " + r);
      }
      k8s.put(r, "v" + m.group(1));
    }
    long ccStart = System.nanoTime();
    double ccCpu = 0;
    Path ccTime = work.resolve("clusterctl-time.txt");
    for (int i = 0; i < sample; i++) {
      GeneratedFleet.Cluster c = fleet.clusters().get((int) ((long) i * n / sample));
      Map<String, String> vars = fleet.layered(c);
      List<String> cmd = List.of("/usr/bin/time", "-f", "%U %S", "-o", ccTime.toString(),
          clusterctl.toString(), "generate", "cluster", c.name(), "--from",
          repo.resolve("clusterctl/cluster-template.yaml").toString(), "--target-namespace", fleet.namespace(c),
          "--kubernetes-version", k8s.get(c.release()),
          "--control-plane-machine-count", vars.getOrDefault("CONTROL_PLANE_MACHINE_COUNT", "3"),
          "--worker-machine-count", vars.getOrDefault("WORKER_MACHINE_COUNT", "3"));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
          .redirectOutput(ccOut.resolve(c.mc() + "-" + c.org() + "-" + c.name() + ".yaml").toFile())
          .redirectError(work.resolve("clusterctl.err").toFile());
      pb.environment().putAll(vars);
      pb.environment().put("CLUSTERCTL_DISABLE_VERSIONCHECK", "true");
      int code = pb.start().waitFor();
      if (code != 0) {
        throw new IllegalStateException("clusterctl failed (" + code + "): "
            + Files.readString(work.resolve("clusterctl.err")));
      }
      String[] t = Files.readString(ccTime).trim().split("\\s+");
      ccCpu += Double.parseDouble(t[0]) + Double.parseDouble(t[1]);
    }
    double ccCpuPerCluster = ccCpu / sample;
    double ccPerCluster = (System.nanoTime() - ccStart) / 1e9 / sample;
    String loadEnd = BenchHost.loadAverage(" ");

    double best = runs.stream().mapToDouble(Run::wallS).min().orElseThrow();
    double median = median(runs, Run::wallS);
    double capkitPerCluster = median / n;
    double medianCpu = median(runs, Run::cpuS);
    double emptyWall = median(empty, Run::wallS);
    double emptyCpu = median(empty, Run::cpuS);
    long emptyRss = empty.stream().mapToLong(Run::maxRssKb).max().orElseThrow();
    boolean wallMet = emptyWall <= 2.0;
    boolean rssMet = emptyRss <= 256 * 1024;
    String table = String.format(Locale.ROOT, """
        | measure | value | target (issue 18) |
        | --- | --- | --- |
        | clusters | %d (%d management clusters × %d organizations × %d; releases %s) | |
        | **capkit render into an empty folder**, %d runs: wall | %s s (median %.2f s) | ≤ 2 s: **%s** |
        | capkit render into an empty folder: CPU (user+sys) | %s s (median %.2f s) | |
        | capkit render into an empty folder: peak RSS of the process (VmHWM, `/usr/bin/time` max RSS) | %s MiB (max %d MiB) | ≤ 256 MiB: **%s** |
        | load average (1 min) at the start of each run into an empty folder | %s | |
        | capkit render, output up to date, %d runs: wall | %s s (median %.2f s, best %.2f s) | |
        | capkit render, output up to date: CPU (user+sys) | %s s | |
        | capkit render, output up to date: peak RSS (VmHWM) | %s MiB | |
        | load average (1 min) at the start of each up-to-date run | %s | |
        | capkit throughput (median up-to-date / into an empty folder) | %.0f / %.0f clusters/s | |
        | capkit peak heap (in-process, sum of heap pool peaks, one up-to-date render with the same JVM options) | %d MiB | |
        | clusterctl generate cluster (peer), %d sampled clusters, one process each | %.1f ms wall, %.1f ms CPU per cluster → %.0f s wall extrapolated for %d | |
        | capkit per cluster, wall (median up-to-date / into an empty folder) | %.3f / %.3f ms | |
        | capkit per cluster, CPU (median up-to-date / into an empty folder) | %.3f / %.3f ms | |
        | ratio clusterctl / capkit per cluster, wall (up to date / empty folder) | %.0f× / %.0f× | |
        | ratio clusterctl / capkit per cluster, CPU (up to date / empty folder; load distorts it least) | %.0f× / %.0f× | |
        """, n, mcs, orgs, perOrg, String.join(", ", releases),
        reps, join(empty, r -> String.format(Locale.ROOT, "%.2f", r.wallS)), emptyWall, wallMet ? "met" : "missed",
        join(empty, r -> String.format(Locale.ROOT, "%.2f", r.cpuS)), emptyCpu,
        join(empty, r -> String.valueOf(r.maxRssKb / 1024)), emptyRss / 1024, rssMet ? "met" : "missed",
        join(empty, Run::load),
        reps, join(runs, r -> String.format(Locale.ROOT, "%.2f", r.wallS)), median, best,
        join(runs, r -> String.format(Locale.ROOT, "%.2f", r.cpuS)),
        join(runs, r -> String.valueOf(r.maxRssKb / 1024)), join(runs, Run::load),
        n / median, n / emptyWall, heapPeak / (1024 * 1024), sample, ccPerCluster * 1000,
        ccCpuPerCluster * 1000, ccPerCluster * n, n, capkitPerCluster * 1000, emptyWall / n * 1000,
        medianCpu / n * 1000, emptyCpu / n * 1000, ccPerCluster / capkitPerCluster, ccPerCluster / (emptyWall / n),
        ccCpuPerCluster / (medianCpu / n), ccCpuPerCluster / (emptyCpu / n));
    String verdict = String.format(Locale.ROOT, """
        **Target (issue 18), render of 10,000 clusters into an empty folder on %s: wall %s (median %.2f s against \
        ≤ 2 s), peak RSS %s (%d MiB against ≤ 256 MiB).** \
        Wall time on this shared machine depends on the load average printed beside each run; CPU time (user+sys) is the figure load distorts least.
        """, fileSystem(work), wallMet ? "met" : "missed", emptyWall, rssMet ? "met" : "missed", emptyRss / 1024);
    String machine = String.format(Locale.ROOT, """
        Machine: %d CPUs (%s), %s %s, load average at start `%s`, at end `%s` (the machine is shared; \
        other jobs ran at the same time). Command: `bench/render/run.sh`; capkit JVM options from `bin/capkit` \
        (`%s`, class-data archive). Fleet and output folders on %s (`TMPDIR`; file creation costs differ widely \
        between file systems: see "The file system on this machine").
        """, Runtime.getRuntime().availableProcessors(), BenchHost.cpuModel(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), loadStart, loadEnd, a.getOrDefault("heapJavaOpts", "?"),
        fileSystem(work));
    System.out.println();
    System.out.print(table);
    System.out.print(verdict);
    System.out.print(machine);
    if (incremental != null) {
      String section = "## Renderer: re-render after one edit\n\n" + machine + "Fleet: the " + n + " clusters above, "
          + "output in place with the record a full render wrote. clusterctl (same run): " + String.format(Locale.ROOT,
          "%.1f ms wall per cluster", ccPerCluster * 1000) + ".\n\n" + incremental;
      System.out.println();
      System.out.print(incremental);
      writeRerenderSection(a, repo, section);
    }
    if (a.containsKey("results")) {
      String notes = a.containsKey("notes") ? Files.readString(Path.of(a.get("notes"))).stripTrailing() + "\n\n" : "";
      ResultsSection.write(Path.of(a.get("results")), "Renderer", "## Renderer\n\n" + a.getOrDefault("intro", "")
          + machine + "\n" + table + "\n" + verdict + (notes.isEmpty() ? "" : "\n" + notes));
    }
  }

  /**
   * {@code only=rerender}: the re-render rows alone (issue 18), with their peer — {@code render --full} of the same
   * fleet, output in place, timed in the same run — and the section "Renderer: re-render after one edit" written;
   * the other rows (into an empty folder, clusterctl, heap) are not run.
   */
  private static void rerenderOnly(Map<String, String> a, Path repo, Path work, Path fleetDir, GeneratedFleet fleet,
                                   Path out, List<String> render, int reps, String loadStart) throws Exception {
    deleteTree(out);
    Files.createDirectories(out);
    timed(render, work);
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      Run r = timed(render, work);
      System.out.printf(Locale.ROOT, "peer: render --full in place %d: %.2f s wall, %.2f s CPU, %d MiB (load %s)%n",
          i + 1, r.wallS, r.cpuS, r.maxRssKb / 1024, r.load);
      runs.add(r);
    }
    List<String> incRender = new ArrayList<>(render);
    incRender.remove("--full");
    String incremental = IncrementalRenderBench.run(incRender, repo.resolve("cli/target/capkit.jar"), fleetDir, fleet,
        work, reps, median(runs, Run::wallS), median(runs, Run::cpuS),
        Path.of(a.getOrDefault("java25", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")));
    String machine = String.format(Locale.ROOT, """
        Machine: %d CPUs (%s), load average at start `%s`, at end `%s` (the machine is shared; other jobs ran at the \
        same time). Command: `bench/render/run.sh only=rerender` (the re-render rows alone; `bench/render/run.sh` runs \
        them after the other render rows); capkit through `bin/capkit` (the JVM, options and class-data archive it \
        picks for `render`). Fleet and output folders on %s (`TMPDIR`).
        """, Runtime.getRuntime().availableProcessors(), BenchHost.cpuModel(), loadStart,
        BenchHost.loadAverage(" "), fileSystem(work));
    String section = "## Renderer: re-render after one edit\n\n" + machine + "Fleet: " + fleet.clusters().size()
        + " generated clusters, output in place with the record a full render wrote.\n\n" + incremental;
    System.out.println();
    System.out.print(incremental);
    writeRerenderSection(a, repo, section);
  }

  private static String join(List<Run> runs, java.util.function.Function<Run, String> f) {
    return String.join(" / ", runs.stream().map(f).toList());
  }

  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
    return runs.stream().mapToDouble(f).sorted().skip(runs.size() / 2).findFirst().orElseThrow();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Writes the re-render section, followed by bench/render/notes-incremental.md, when {@code results} is given. */
  private static void writeRerenderSection(Map<String, String> a, Path repo, String section) throws IOException {
    if (a.containsKey("results")) {
      Path incNotes = repo.resolve("bench/render/notes-incremental.md");
      String notes = Files.exists(incNotes) ? "\n" + Files.readString(incNotes).stripTrailing() + "\n" : "";
      ResultsSection.write(Path.of(a.get("results")), "Renderer: re-render after one edit", section + notes);
    }
  }

  /** The file system type of {@code dir} and its folder, e.g. "ext4 (/tmp)" or "tmpfs (/dev/shm)". */
  static String fileSystem(Path dir) throws IOException {
    return Files.getFileStore(dir).type() + " (`" + dir.getParent() + "`)";
  }

  private static Run timed(List<String> cmd, Path work) throws IOException, InterruptedException {
    String load = BenchHost.loadAverage(" ").split(" ")[0];
    Path timeFile = work.resolve("time.txt");
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile.toString()));
    full.addAll(cmd);
    Process p = new ProcessBuilder(full).directory(work.toFile())
        .redirectOutput(work.resolve("render.out").toFile()).redirectError(work.resolve("render.err").toFile())
        .start();
    int code = p.waitFor();
    if (code != 0) {
      throw new IllegalStateException("capkit render failed (" + code + "): "
          + Files.readString(work.resolve("render.err")).lines().limit(5).toList());
    }
    String[] f = Files.readString(timeFile).trim().split("\\s+");
    return new Run(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]),
        Long.parseLong(f[3]), load);
  }

  private static String capture(List<String> cmd, Path work) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectError(work.resolve("heap.err").toFile())
        .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("in-process render failed: " + Files.readString(work.resolve("heap.err")));
    }
    return text;
  }
}
