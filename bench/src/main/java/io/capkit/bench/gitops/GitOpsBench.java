package io.capkit.bench.gitops;

import com.sun.management.OperatingSystemMXBean;
import io.capkit.bench.BenchHost;
import io.capkit.bench.KeyValueArgs;
import io.capkit.bench.ResultsSection;
import io.capkit.bench.TimedProcess;
import io.capkit.bench.render.GeneratedFleet;
import io.capkit.gitops.diff.FleetDiff;
import io.capkit.gitops.diff.FleetRenderer;
import io.capkit.gitops.diff.IncrementalDiff;
import io.capkit.gitops.diff.RenderedDiff;
import io.capkit.gitops.git.FleetLayout;
import io.capkit.gitops.git.GitSourceTree;
import io.capkit.gitops.git.TreeChanges;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.Renderer;
import io.capkit.testsupport.FileTrees;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * GitOps benchmark: {@code capkit diff} between two commits of a generated 10,000-cluster fleet (a typical pull
 * request: some cluster files and one organization's defaults), and {@code capkit promote} of one release across
 * the 1,000 clusters of one management cluster (one commit, one pull request) against a bare repository on disk
 * and a forge API double on loopback. Peers in the same run: {@code git diff --stat} of the same commits, the
 * full (non-incremental) diff in-process beside the incremental one, and the same promotion done with
 * {@code sed}, {@code git commit} and {@code git push}. Writes the "GitOps" section of the results file.
 *
 * <p>Every row shows wall, CPU (user + system) and whole-process peak RSS (VmHWM) per run as median (min–max),
 * with the load average, the ratio to its peer and issue 18's target met or missed.
 *
 * <p>Arguments {@code key=value}: repo, work, results, mcs (10), orgs (2), perOrg (500), reps (3).
 */
public final class GitOpsBench {
  private static final String TOKEN = "bench-token";
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private GitOpsBench() {}

  record InProcess(double wallS, double cpuS, String summary, int rendered, FleetDiff diff) {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = KeyValueArgs.parse(argv);
    Path repo = Path.of(a.get("repo")).toAbsolutePath();
    Path work = Path.of(a.get("work")).toAbsolutePath();
    int mcs = Integer.parseInt(a.getOrDefault("mcs", "10"));
    int orgs = Integer.parseInt(a.getOrDefault("orgs", "2"));
    int perOrg = Integer.parseInt(a.getOrDefault("perOrg", "500"));
    int reps = Integer.parseInt(a.getOrDefault("reps", "3"));
    String capkit = repo.resolve("bin/capkit").toString();
    String loadStart = BenchHost.loadAverage(" ");

    // The fleet repository: management-clusters/ and releases/ at the top, every cluster on v1.1.0.
    Path seed = work.resolve("seed");
    GeneratedFleet fleet = GeneratedFleet.of(mcs, orgs, perOrg, List.of("v1.1.0"));
    fleet.write(seed);
    FileTrees.copy(repo.resolve("releases"), seed.resolve("releases"));
    int n = fleet.clusters().size();
    git(seed, "init", "-q", "-b", "main");
    git(seed, "add", "-A");
    git(seed, "commit", "-qm", "fleet");
    git(seed, "tag", "pr-base");
    // A typical pull request: a few clusters' variables and one organization's defaults (perOrg clusters).
    int edited = 0;
    for (int i = 0; i < n; i += n / 20) {
      GeneratedFleet.Cluster c = fleet.clusters().get(i);
      Path f = seed.resolve("management-clusters/" + c.mc() + "/organizations/" + c.org() + "/workload-clusters/"
          + c.name() + "/cluster.yaml");
      // Every generated cluster sets variables, never this one.
      Files.writeString(f, Files.readString(f).replace("  variables:\n", "  variables:\n    CONTROL_PLANE_MACHINE_CPUS: 8\n"));
      edited++;
    }
    String org = fleet.clusters().get(n / 2).mc() + "/organizations/" + fleet.clusters().get(n / 2).org();
    Path orgDefaults = seed.resolve("management-clusters/" + org + "/defaults.yaml");
    Files.writeString(orgDefaults, Files.readString(orgDefaults).replaceFirst("variables:\n",
        "variables:\n  CONTROL_PLANE_MACHINE_CPUS: 6\n"));
    git(seed, "commit", "-qam", "pull request");
    git(seed, "tag", "pr-head");
    Path remote = work.resolve("remote.git");
    Path clone = work.resolve("clone");
    TimedProcess.capture(work, "git", "clone", "-q", "--bare", seed.toString(), remote.toString());
    TimedProcess.capture(work, "git", "clone", "-q", remote.toString(), clone.toString());
    git(clone, "config", "user.name", "capkit bench");
    git(clone, "config", "user.email", "bench@capkit.invalid");
    String prStat = lastLine(TimedProcess.capture(clone, "git", "diff", "--shortstat", "pr-base", "pr-head"));
    System.out.printf(Locale.ROOT, "fleet of %d clusters; pull request: %s (load %s)%n", n, prStat, loadStart);

    // One untimed run first: bin/capkit records its class data archive (AppCDS) on the first diff after a build.
    TimedProcess.run(clone, work, Map.of(), List.of(capkit, "diff", "--from", "pr-base", "--to", "pr-head"));
    // capkit diff as a user runs it (fresh JVM each time), and git diff --stat of the same commits.
    List<TimedProcess> diffs = new ArrayList<>();
    List<TimedProcess> gitStats = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      diffs.add(TimedProcess.run(clone, work, Map.of(), List.of(capkit, "diff", "--from", "pr-base", "--to",
          "pr-head")));
      gitStats.add(TimedProcess.run(clone, work, Map.of(), List.of("git", "diff", "--stat", "pr-base", "pr-head")));
    }
    String diffSummary = lastLine(diffs.get(0).out());
    System.out.println("capkit diff: " + diffSummary);

    // In one warm JVM: the incremental diff against the full one (both commits rendered in full).
    Renderer renderer = Renderer.standard();
    // The full diff parses every rendered file back; the incremental one is capkit's (the renderer's objects).
    FleetRenderer full = (f, r) -> OutputLayout.files(renderer.render(f, r).clusters());
    FleetRenderer objects = FleetRenderer.of(() -> renderer);
    FleetLayout layout = new FleetLayout("", "releases");
    List<InProcess> incremental = new ArrayList<>();
    List<InProcess> complete = new ArrayList<>();
    try (Repository git = new FileRepositoryBuilder().setGitDir(clone.resolve(".git").toFile()).build();
        GitSourceTree before = GitSourceTree.at(git, "pr-base", "bench");
        GitSourceTree after = GitSourceTree.at(git, "pr-head", "bench")) {
      for (int i = 0; i <= reps; i++) {
        InProcess inc = measure(() -> {
          SortedSet<String> changed = TreeChanges.between(git, before.commit(), after.commit(), "bench");
          IncrementalDiff.Result r = IncrementalDiff.between(objects, layout.fleet(before), layout.releases(before),
              layout.fleet(after), layout.releases(after), layout.fleetPaths(changed),
              layout.releases(before).inside(changed));
          return new Object[] {r.diff(), r.clustersRendered()};
        });
        InProcess all = measure(() -> new Object[] {RenderedDiff.between(full, layout.fleet(before),
            layout.releases(before), layout.fleet(after), layout.releases(after)), 2 * n});
        if (!inc.diff().equals(all.diff())) {
          throw new IllegalStateException("incremental and full diff differ: " + inc.summary() + " / "
              + all.summary());
        }
        if (i > 0) { // the first round warms the JVM up
          incremental.add(inc);
          complete.add(all);
        }
      }
    }

    // capkit promote: one release across one management cluster, against the bare repository and the forge double.
    String promoteLoad = BenchHost.loadAverage(" ");
    List<TimedProcess> promotes = new ArrayList<>();
    List<TimedProcess> peers = new ArrayList<>();
    String branch = null;
    String promotedStat = null;
    int commits = -1;
    int created;
    try (ForgeApiDouble forge = new ForgeApiDouble("acme/fleet")) {
      // Round -1 is untimed: bin/capkit records promote's own class data archive on its first run after a build.
      for (int i = -1; i < reps; i++) {
        if (branch != null) { // start over: no branch, no pull request
          forge.reset();
          git(clone, "push", "-q", "origin", "--delete", branch);
          git(clone, "branch", "-q", "-D", branch);
        }
        TimedProcess p = TimedProcess.run(clone, work, Map.of("CAPKIT_FORGE_TOKEN", TOKEN), List.of(capkit, "promote",
            "--release", "v1.2.0", "--select", "mc=mc-0", "--git", ".", "--forge-url", forge.url(), "--repo",
            "acme/fleet"));
        branch = p.out().lines().filter(l -> l.startsWith("pushed branch ")).findFirst()
            .orElseThrow(() -> new IllegalStateException("no branch pushed: " + p.out())).substring(14);
        promotedStat = lastLine(TimedProcess.capture(remote, "git", "diff", "--shortstat", "main", branch));
        commits = Integer.parseInt(TimedProcess.capture(remote, "git", "rev-list", "--count", "main.." + branch)
            .trim());
        if (i < 0) {
          continue;
        }
        promotes.add(p);
        // The same edit without capkit: sed over the files, one commit, one push.
        String peerBranch = "peer-" + i;
        peers.add(TimedProcess.run(clone, work, Map.of(), List.of("sh", "-c", "git checkout -q -b " + peerBranch
            + " origin/main && grep -rl --include=cluster.yaml 'release: v1.1.0' management-clusters/mc-0"
            + " | xargs sed -i 's/release: v1.1.0/release: v1.2.0/' && git commit -qam peer && git push -q origin "
            + peerBranch + " && git checkout -q main")));
      }
      created = forge.created() - 1; // not the untimed first round's
    }
    System.out.println("promote: " + promotedStat + "; " + commits + " commit(s); " + created + " pull request(s)");
    // The diff of the promotion commit (issue 18's row), beside git diff --stat of the same commits.
    String promotedLoad = BenchHost.loadAverage(" ");
    List<TimedProcess> promotedDiffs = new ArrayList<>();
    List<TimedProcess> promotedStats = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      promotedDiffs.add(TimedProcess.run(clone, work, Map.of(), List.of(capkit, "diff", "--from", "main", "--to",
          branch)));
      promotedStats.add(TimedProcess.run(clone, work, Map.of(), List.of("git", "diff", "--stat", "main", branch)));
    }
    String promotedSummary = lastLine(promotedDiffs.get(0).out());
    for (TimedProcess d : promotedDiffs) {
      if (!d.out().equals(promotedDiffs.get(0).out())) {
        throw new IllegalStateException("capkit diff of the promotion commit printed different reports");
      }
    }

    String loadEnd = BenchHost.loadAverage(" ");
    StringBuilder s = new StringBuilder("## GitOps\n\n");
    s.append("`bench/gitops/run.sh` (").append(String.join(" ", argv).replace(work.toString(), "$WORK")
        .replace(repo.toString(), ".")).append("): ").append(n).append(" generated clusters (")
        .append(mcs).append(" management clusters × ").append(orgs).append(" organizations × ").append(perOrg)
        .append("), `management-clusters/` and `releases/` in one repository; ").append(reps)
        .append(" runs each, alternating with their peer; figures are median (min–max). Each `capkit` run is a fresh ")
        .append("process through `bin/capkit`; CPU is user + system, peak RSS is the whole process's VmHWM ")
        .append("(`/usr/bin/time` maximum resident set size).\n\n");
    s.append(String.format(Locale.ROOT, "Machine: %s, %d CPUs; load average %s at the start, %s at the end.%n%n",
        BenchHost.cpuModel(), Runtime.getRuntime().availableProcessors(), loadStart, loadEnd));
    s.append("| what | wall s | CPU s | peak RSS MiB | load (1, 5, 15 min) | target |\n|---|---|---|---|---|---|\n");
    row(s, "`capkit diff` pull request (" + edited + " cluster files + 1 organization defaults file; "
        + prStat + ") → " + diffSummary, diffs, loadStart, "≤ 5 s: " + met(median(wall(diffs)) <= 5));
    row(s, "peer: `git diff --stat` of the same commits", gitStats, "", "");
    double pdWall = median(wall(promotedDiffs));
    double pdRss = maxRssMib(promotedDiffs);
    row(s, "`capkit diff` of the promotion commit (1,000 cluster files) → " + promotedSummary, promotedDiffs,
        promotedLoad, "≤ 2 s: " + met(pdWall <= 2) + "; ≤ 512 MiB: " + met(pdRss <= 512));
    row(s, "peer: `git diff --stat` of the same commits", promotedStats, "", "");
    double prWall = median(wall(promotes));
    double peerWall = median(wall(peers));
    double prRss = maxRssMib(promotes);
    row(s, "`capkit promote --release v1.2.0 --select mc=mc-0` (" + promotedStat + ", " + commits + " commit, "
        + "pull request on the forge double)", promotes, promoteLoad, "≤ 2× peer: " + met(prWall <= 2 * peerWall)
        + "; ≤ 512 MiB: " + met(prRss <= 512));
    row(s, "peer: `sed` + `git commit -a` + `git push` of the same edit", peers, "", "");
    s.append('\n');
    double incWall = median(incremental.stream().map(InProcess::wallS).toList());
    double incCpu = median(incremental.stream().map(InProcess::cpuS).toList());
    double fullWall = median(complete.stream().map(InProcess::wallS).toList());
    double fullCpu = median(complete.stream().map(InProcess::cpuS).toList());
    s.append(String.format(Locale.ROOT, "In one warm JVM, the same pull request: incremental diff %.2f s wall / %.2f s "
        + "CPU (%d cluster renders), full diff %.2f s wall / %.2f s CPU (%d cluster renders): the incremental diff "
        + "takes **%.1f× less CPU** (%.1f× less wall). Both reports are equal, the incremental one from the renderer's "
        + "objects, the full one parsing every rendered file (checked each run).%n",
        incWall, incCpu, incremental.get(0).rendered(), fullWall, fullCpu, complete.get(0).rendered(),
        fullCpu / incCpu, fullWall / incWall));
    s.append(String.format(Locale.ROOT, "Ratios in this run (median): `capkit diff` pull request / `git diff --stat` "
        + "wall %.1f×; `capkit diff` of the promotion commit / `git diff --stat` wall %.1f×, CPU %.1f×; "
        + "`capkit promote` / sed+git+push wall **%.2f×**, CPU %.2f×. Pull requests opened: %d in %d runs (one per "
        + "run).%n", median(wall(diffs)) / median(wall(gitStats)), pdWall / median(wall(promotedStats)),
        median(cpu(promotedDiffs)) / Math.max(0.005, median(cpu(promotedStats))), prWall / peerWall,
        median(cpu(promotes)) / median(cpu(peers)), created, reps));
    s.append(String.format(Locale.ROOT, "Targets in this run (issue 18; median wall, highest peak RSS): diff of the "
        + "promotion commit %.2f s (≤ 2 s %s), %.0f MiB (≤ 512 MiB %s); promote %.2f× sed+git+push (≤ 2× %s), "
        + "%.0f MiB (≤ 512 MiB %s).%n", pdWall, met(pdWall <= 2), pdRss, met(pdRss <= 512), prWall / peerWall,
        met(prWall <= 2 * peerWall), prRss, met(prRss <= 512)));
    s.append("Where the CPU of diff and promote goes, and what is left: docs/gitops.md, \"Performance\".\n");
    String section = s.toString();
    System.out.print(section);
    if (a.containsKey("results")) {
      ResultsSection.write(Path.of(a.get("results")), "GitOps", section);
    }
  }

  private static String met(boolean ok) {
    return ok ? "met" : "**missed**";
  }

  private static double maxRssMib(List<TimedProcess> runs) {
    return runs.stream().mapToLong(TimedProcess::maxRssKb).max().orElse(0) / 1024.0;
  }

  private static InProcess measure(Supplier<Object[]> run) {
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    Object[] r = run.get();
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
    return new InProcess(wall, cpu, ((FleetDiff) r[0]).summary(), (Integer) r[1], (FleetDiff) r[0]);
  }

  private static void row(StringBuilder s, String what, List<TimedProcess> runs, String load, String target) {
    List<Double> rss = runs.stream().map(r -> r.maxRssKb() / 1024.0).toList();
    s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", what, spread(wall(runs)),
        spread(cpu(runs)), spread0(rss), load, target));
  }

  private static String spread0(List<Double> v) {
    return String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", median(v), v.stream().mapToDouble(d -> d).min().orElse(0),
        v.stream().mapToDouble(d -> d).max().orElse(0));
  }

  private static List<Double> wall(List<TimedProcess> runs) {
    return runs.stream().map(TimedProcess::wallS).toList();
  }

  private static List<Double> cpu(List<TimedProcess> runs) {
    return runs.stream().map(TimedProcess::cpuS).toList();
  }

  private static String spread(List<Double> v) {
    return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median(v), v.stream().mapToDouble(d -> d).min().orElse(0),
        v.stream().mapToDouble(d -> d).max().orElse(0));
  }

  private static double median(List<Double> v) {
    List<Double> sorted = v.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static String lastLine(String text) {
    List<String> lines = text.strip().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
  }

  private static void git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=capkit bench", "-c",
        "user.email=bench@capkit.invalid"));
    cmd.addAll(List.of(args));
    TimedProcess.capture(dir, cmd.toArray(String[]::new));
  }
}
