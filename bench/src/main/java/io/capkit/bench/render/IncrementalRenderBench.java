package io.capkit.bench.render;

import io.capkit.bench.BenchHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The issue-18 row "re-render after one cluster file changed": on the output a full {@code capkit render} left in
 * place (with its record), one cluster file is edited and the whole {@code bin/capkit render} process is timed (wall,
 * CPU, peak RSS from {@code /usr/bin/time}); also with nothing changed. The peer is the full render ({@code --full}) of
 * the same fleet in the same run. {@code render --check} (a full rendering compared with the disk) then confirms the
 * incremental output equals a full render. With Temurin 25 present, the same runs with bin/capkit's options and an AOT
 * cache (JEP 483/514/515) recorded by a training run of one edit, started as {@code java -jar}: bin/capkit records
 * its archive on the first successful render after a build, which is a full render (a new build renders everything),
 * so this row shows what an archive trained on the incremental path gives.
 */
final class IncrementalRenderBench {
  static final double TARGET_WALL_S = 0.300;
  private static final Pattern CP_COUNT = Pattern.compile("CONTROL_PLANE_MACHINE_COUNT: (\\d+)");
  private static final Pattern RENDERED = Pattern.compile("\\(incremental: (\\d+) rendered");

  private IncrementalRenderBench() {}

  record Run(double wallS, double cpuS, long maxRssKb, String load) {}

  /**
   * Runs the rows; {@code render} is the render command without {@code --full}, {@code jar} capkit.jar. Returns the
   * section text (table and verdict).
   */
  static String run(List<String> render, Path jar, Path fleetDir, GeneratedFleet fleet, Path work, int reps,
                    double fullWallS, double fullCpuS, Path java25) throws IOException, InterruptedException {
    // bin/capkit records the incremental path's own archive on its first such run after a build: not timed.
    timed(render, work, 0);
    List<Run> nothing = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      nothing.add(timed(render, work, 0));
    }
    List<Run> oneEdit = new ArrayList<>();
    int n = fleet.clusters().size();
    for (int i = 0; i < reps; i++) {
      edit(fleetDir, fleet.clusters().get((int) ((long) (2 * i + 1) * n / (2 * reps))));
      oneEdit.add(timed(render, work, 1));
    }
    List<String> check = new ArrayList<>(render);
    check.add(2, "--check");
    timed(check, work, -1);

    List<Run> edit25 = new ArrayList<>();
    List<Run> nothing25 = new ArrayList<>();
    if (java25 != null && Files.isExecutable(java25)) {
      Path aot = work.resolve("capkit-render.aot");
      // bin/capkit's options for render, with an AOT cache of its own trained on an incremental run.
      List<String> base = new ArrayList<>(List.of(java25.toString(), "--sun-misc-unsafe-memory-access=allow",
          "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmn64m", "-Xmx1g"));
      List<String> args = render.subList(1, render.size());
      List<String> train = new ArrayList<>(base);
      train.addAll(List.of("-XX:AOTCacheOutput=" + aot, "-Xlog:aot=off", "-Xlog:cds=off", "-jar", jar.toString()));
      train.addAll(args);
      // Training: one edited cluster, so the cache holds the renderer's classes as well as the scan's.
      edit(fleetDir, fleet.clusters().get(n / 3));
      timed(train, work, -1);
      List<String> with = new ArrayList<>(base);
      with.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off", "-jar", jar.toString()));
      with.addAll(args);
      for (int i = 0; i < reps; i++) {
        nothing25.add(timed(with, work, 0));
      }
      for (int i = 0; i < reps; i++) {
        edit(fleetDir, fleet.clusters().get((int) ((long) (2 * i + 1) * n / (2 * reps + 1))));
        edit25.add(timed(with, work, 1));
      }
      timed(check, work, -1);
    }

    double medianEdit = median(oneEdit, Run::wallS);
    double best = Math.min(medianEdit, edit25.isEmpty() ? Double.MAX_VALUE : median(edit25, Run::wallS));
    StringBuilder t = new StringBuilder("""
        | measure | value |
        | --- | --- |
        """);
    t.append(String.format(Locale.ROOT, "| peer: `capkit render --full`, output in place (same run, median) | %.2f s wall, %.2f s CPU |%n",
        fullWallS, fullCpuS));
    row(t, "bin/capkit render, nothing changed", nothing);
    row(t, "**bin/capkit render after one cluster file changed**", oneEdit);
    if (!edit25.isEmpty()) {
      row(t, "Temurin 25, bin/capkit's options, AOT cache trained on one edit (java -jar), nothing changed",
          nothing25);
      row(t, "Temurin 25, bin/capkit's options, AOT cache trained on one edit (java -jar), after one cluster file"
          + " changed", edit25);
    }
    t.append(String.format(Locale.ROOT, "| one edit (bin/capkit) vs full render, wall / CPU | %.1f× / %.1f× less |%n",
        fullWallS / medianEdit, fullCpuS / median(oneEdit, Run::cpuS)));
    t.append("| `render --check` after the incremental runs (full rendering compared with the disk) | identical |\n");
    String verdict = String.format(Locale.ROOT,
        "**Target (issue 18): re-render after one cluster file changed ≤ %.0f ms wall — %s** (median %.0f ms through bin/capkit%s).%n",
        TARGET_WALL_S * 1000, best <= TARGET_WALL_S ? "met" : "missed", medianEdit * 1000,
        edit25.isEmpty() ? "" : String.format(Locale.ROOT, ", %.0f ms with an AOT cache trained on one edit",
            median(edit25, Run::wallS) * 1000));
    return t + "\n" + verdict;
  }

  private static void row(StringBuilder t, String what, List<Run> runs) {
    t.append("| ").append(what).append(": wall / CPU / peak RSS, ").append(runs.size()).append(" runs | ");
    List<String> each = new ArrayList<>();
    for (Run r : runs) {
      each.add(String.format(Locale.ROOT, "%.0f ms / %.0f ms / %d MiB (load %s)", r.wallS * 1000, r.cpuS * 1000,
          r.maxRssKb / 1024, r.load));
    }
    t.append(String.join("; ", each)).append(String.format(Locale.ROOT, " — median %.0f ms wall, %.0f ms CPU |%n",
        median(runs, Run::wallS) * 1000, median(runs, Run::cpuS) * 1000));
  }

  static double median(List<Run> runs, Function<Run, Double> f) {
    return runs.stream().map(f).sorted().skip(runs.size() / 2).findFirst().orElse(Double.NaN);
  }

  /** A real change: the control plane count toggles between 1 and 3 (odd, as stacked etcd needs). */
  private static void edit(Path fleetDir, GeneratedFleet.Cluster c) throws IOException {
    Path file = fleetDir.resolve("management-clusters/" + c.mc() + "/organizations/" + c.org()
        + "/workload-clusters/" + c.name() + "/cluster.yaml");
    String text = Files.readString(file);
    Matcher m = CP_COUNT.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no control plane count in " + file);
    }
    Files.writeString(file, m.replaceFirst("CONTROL_PLANE_MACHINE_COUNT: " + (m.group(1).equals("1") ? "3" : "1")));
  }

  /** Runs {@code cmd} under /usr/bin/time; {@code expectRendered} ≥ 0 checks the incremental count printed. */
  private static Run timed(List<String> cmd, Path work, int expectRendered) throws IOException, InterruptedException {
    String load = BenchHost.loadAverage(" ").split(" ")[0];
    Path timeFile = work.resolve("inc-time.txt");
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile.toString()));
    full.addAll(cmd);
    Process p = new ProcessBuilder(full).directory(work.toFile())
        .redirectOutput(work.resolve("inc.out").toFile()).redirectError(work.resolve("inc.err").toFile()).start();
    int code = p.waitFor();
    String out = Files.readString(work.resolve("inc.out"));
    if (code != 0) {
      throw new IllegalStateException(cmd + " failed (" + code + "): "
          + Files.readString(work.resolve("inc.err")).lines().filter(l -> !l.startsWith("warning:")).limit(5).toList());
    }
    if (expectRendered >= 0) {
      Matcher m = RENDERED.matcher(out);
      if (!m.find() || Integer.parseInt(m.group(1)) != expectRendered) {
        throw new IllegalStateException("expected an incremental render of " + expectRendered + " cluster(s): " + out);
      }
    }
    String[] f = Files.readString(timeFile).trim().split("\\s+");
    return new Run(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]),
        Long.parseLong(f[3]), load);
  }
}
