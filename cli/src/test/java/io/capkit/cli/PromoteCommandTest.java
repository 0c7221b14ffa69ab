package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.gitops.diff.FleetRenderer;
import io.capkit.gitops.testing.Fleet;
import io.capkit.gitops.testing.GitFixture;
import io.capkit.renderer.Renderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Issue 18: `promote --name VALUE ...` skips picocli; it must read what picocli reads and print what it prints. */
class PromoteCommandTest {
  private static final FleetRenderer RENDERER = FleetRenderer.of(Renderer::standard);

  private static PromoteCommand parsed(String... args) {
    return (PromoteCommand) Capkit.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
        .parseArgs(args).subcommand().commandSpec().userObject();
  }

  @Test
  void withoutPicocliReadsTheArgumentsPicocliWouldAndLeavesTheRestToIt() {
    List<String[]> plain = List.of(new String[] {"promote", "--release", "v1.2.0", "--select", "mc=mc-0"},
        new String[] {"promote", "--release=v1.2.0", "--select=mc=mc-0"},
        new String[] {"promote", "--select=org=acme,name=a*", "--release=v1.2.0", "--git", "work", "--base", "trunk",
            "--remote", "upstream", "--forge-url", "https://api.github.com", "--repo", "acme/fleet", "--forge",
            "gitea", "--fleet", "fleet", "--releases", "fleet/releases"},
        new String[] {"promote", "--release", "v1", "--select", "label:tier=prod", "--forge-url=http://127.0.0.1:9/x",
            "--repo=a/b", "--git=/tmp/some clone", "--fleet=./", "--releases=r/"});
    for (String[] args : plain) {
      PromoteCommand quick = PromoteCommand.withoutPicocli(() -> RENDERER, args);
      PromoteCommand parsed = parsed(args);
      String what = String.join(" ", args);
      assertNotNull(quick, what);
      assertEquals(parsed.release, quick.release, what);
      assertEquals(parsed.select, quick.select, what);
      assertEquals(parsed.git, quick.git, what);
      assertEquals(parsed.base, quick.base, what);
      assertEquals(parsed.remote, quick.remote, what);
      assertEquals(parsed.forgeUrl, quick.forgeUrl, what);
      assertEquals(parsed.forgeRepo, quick.forgeRepo, what);
      assertEquals(parsed.forgeKind, quick.forgeKind, what);
      assertEquals(parsed.layout.fleetPath(), quick.layout.fleetPath(), what);
      assertEquals(parsed.layout.releasesPath(), quick.layout.releasesPath(), what);
    }
    for (String[] args : List.of(new String[] {"promote"}, new String[] {"promote", "--release", "v1"},
        new String[] {"promote", "--release=v1"}, new String[] {"promote", "--release=v1", "--select"},
        new String[] {"promote", "--release", "v1", "--select"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "-h"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "--help"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "--release", "v2"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "--fleet-path", "f"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "--releases-path", "r"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "@args"},
        new String[] {"promote", "--release", "@v1", "--select", "mc=a"},
        new String[] {"promote", "--release", "--select", "mc=a", "--base", "main"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "--base="},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "--forge-url", "http://a b"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "--git", "a\0b"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "extra"},
        new String[] {"promote", "--release", "v1", "--select", "mc=a", "--"},
        new String[] {"promote", "--Release", "v1", "--select", "mc=a"},
        new String[] {"diff", "--release", "v1", "--select", "mc=a"})) {
      assertNull(PromoteCommand.withoutPicocli(() -> RENDERER, args), String.join(" ", args));
    }
    // Defaults come from the same values on both paths; an option added later goes to picocli until handled here.
    CommandSpec promote = Capkit.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
        .getSubcommands().get("promote").getCommandSpec();
    List<String> names = promote.options().stream().flatMap(o -> Stream.of(o.names())).sorted().toList();
    List<String> expected = new ArrayList<>(PromoteCommand.QUICK_OPTIONS);
    expected.addAll(List.of("--fleet-path", "--releases-path", "--help", "--version", "-h", "-V"));
    assertEquals(expected.stream().sorted().toList(), names);
  }

  /** The same arguments through picocli and without it: the same exit code, stdout and stderr, the same commit. */
  @Test
  void withoutPicocliPrintsAndPushesWhatPicocliDoes(@TempDir Path tmp) throws Exception {
    Path notAClone = Files.createDirectories(tmp.resolve("plain"));
    List<String[]> failing = List.of(
        new String[] {"promote", "--release", "v1.1.0", "--select", "org=acme", "--git", notAClone.toString()},
        new String[] {"promote", "--release", "v1.1.0", "--select", "colour=red", "--git", notAClone.toString()},
        new String[] {"promote", "--release", "v1.1.0", "--select", "org=acme", "--forge", "bitbucket",
            "--forge-url", "https://forge.invalid", "--repo", "a/b"},
        new String[] {"promote", "--release", "v1.1.0", "--select", "org=acme", "--forge-url", "https://forge.invalid"});
    for (String[] args : failing) {
      assertEquals(picocli(args), CapkitCommandTest.run(args), String.join(" ", args));
    }
    // A promotion that pushes a branch (no forge): once each way, from the same fresh remote and clone.
    List<Object> results = new ArrayList<>();
    for (boolean quick : List.of(false, true)) {
      Path dir = tmp.resolve("repos");
      deleteTree(dir);
      Path remote = dir.resolve("remote.git");
      GitFixture.bareRemote(remote).close();
      try (Git seed = GitFixture.cloneOf(remote, dir.resolve("seed"))) {
        GitFixture.commit(seed, "fleet", fleet());
        GitFixture.push(seed);
      }
      GitFixture.cloneOf(remote, dir.resolve("work")).close();
      String[] args = {"promote", "--git", dir.resolve("work").toString(), "--release", "v1.1.0", "--select",
          "org=acme"};
      assertNotNull(PromoteCommand.withoutPicocli(() -> RENDERER, args)); // Capkit.run takes the quick path
      CapkitCommandTest.Run run = quick ? CapkitCommandTest.run(args) : picocli(args);
      assertEquals(0, run.code(), run.err());
      try (Git bare = Git.open(remote.toFile()); RevWalk walk = new RevWalk(bare.getRepository())) {
        Repository r = bare.getRepository();
        String branch = run.out().lines().filter(l -> l.startsWith("pushed branch ")).findFirst().orElseThrow()
            .substring("pushed branch ".length());
        ObjectId tree = walk.parseCommit(r.resolve("refs/heads/" + branch)).getTree().getId();
        results.add(List.of(run, tree));
      }
    }
    assertEquals(results.get(0), results.get(1));
  }

  private static CapkitCommandTest.Run picocli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Capkit.commandLine(new PrintWriter(out), new PrintWriter(err));
    int code = cl.execute(args);
    return new CapkitCommandTest.Run(code, out.toString(), err.toString());
  }

  private static Map<String, String> fleet() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("releases/v1.0.0/release.yaml", Fleet.release("v1.0.0", "v1.32.1", "active"));
    m.put("releases/v1.1.0/release.yaml", Fleet.release("v1.1.0", "v1.33.0", "active"));
    m.put("management-clusters/mc1/defaults.yaml", "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\n"
        + "variables:\n  BASE_DOMAIN: mc1.capkit.example\n  CONTROL_PLANE_LOAD_BALANCER: external\n");
    m.put(Fleet.clusterPath("mc1", "acme", "wc1"), Fleet.cluster("wc1", "v1.0.0", "acme"));
    m.put(Fleet.clusterPath("mc1", "acme", "wc2"), Fleet.cluster("wc2", "v1.0.0", "acme"));
    m.put(Fleet.clusterPath("mc1", "other", "wc3"), Fleet.cluster("wc3", "v1.0.0", "other"));
    return m;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p); // a file gone meanwhile (a lock file another thread removed) is gone
        }
      }
    }
    assertTrue(Files.notExists(dir));
  }
}
