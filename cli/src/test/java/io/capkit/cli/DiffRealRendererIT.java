package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.gitops.diff.FleetRenderer;
import io.capkit.gitops.git.GitCredentials;
import io.capkit.gitops.git.GitRepositories;
import io.capkit.gitops.testing.GitFixture;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.Renderer;
import io.capkit.testsupport.CrdSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code capkit diff} with the real renderer on the example fleet in real repositories: a clone and its bare
 * remote, commits that change a cluster's variable, an organization default and a release. The reports are
 * golden files ({@code -Dgolden.update=true} rewrites them).
 */
class DiffRealRendererIT {
  private static final Path ROOT = CrdSources.repoRoot();
  private static final Path GOLDEN = ROOT.resolve("gitops/src/test/resources/golden/diff");
  private static final String ACME = "management-clusters/mc-berlin/organizations/acme/";
  private static final String PROD = ACME + "workload-clusters/prod-eu/cluster.yaml";
  private static final Renderer RENDERER = Renderer.standard();

  @TempDir
  static Path tmp;
  static Path remote;
  static Path clone;

  private record Run(int code, String out, String err) {}

  @BeforeAll
  static void repository() throws Exception {
    remote = tmp.resolve("fleet.git");
    clone = tmp.resolve("clone");
    GitFixture.bareRemote(remote).close();
    try (Git git = GitFixture.cloneOf(remote, clone)) {
      // The layout the docs suggest: management-clusters/ and releases/ at the top of the repository.
      Map<String, String> files = read(ROOT.resolve("fleet-repo-example"), "");
      files.putAll(read(ROOT.resolve("releases"), "releases/"));
      GitFixture.commit(git, "example fleet", files);
      GitFixture.commit(git, "prod-eu: seven workers", Map.of(PROD,
          files.get(PROD).replace("WORKER_MACHINE_COUNT: 6", "WORKER_MACHINE_COUNT: 7")));
      String acme = ACME + "defaults.yaml";
      GitFixture.commit(git, "acme: bigger workers", Map.of(acme,
          files.get(acme).replace("WORKER_MACHINE_MEMORY: 12GB", "WORKER_MACHINE_MEMORY: 16GB")));
      String release = "releases/v1.1.0/release.yaml";
      GitFixture.commit(git, "v1.1.0: cilium 1.17.9", Map.of(release,
          files.get(release).replace("version: 1.17.8", "version: 1.17.9")));
      GitFixture.push(git);
    }
  }

  private static Run diff(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    FleetRenderer renderer = (fleet, releases) -> OutputLayout.files(RENDERER.render(fleet, releases).clusters());
    CommandLine cli = new CommandLine(new DiffCommand(renderer,
        new GitRepositories(tmp.resolve("cache"), new GitCredentials(Map.of(), tmp))));
    cli.setOut(new PrintWriter(o));
    cli.setErr(new PrintWriter(e));
    int code = cli.execute(args);
    return new Run(code, o.toString(), e.toString());
  }

  @Test
  void aClusterVariableChangesOnlyThatClustersMachineDeployment() {
    Run r = diff("--git", clone.toString(), "--from", "HEAD~3", "--to", "HEAD~2");
    assertEquals(0, r.code(), r.err());
    assertGolden("cluster-variable.txt", r.out());
    assertTrue(r.out().startsWith("cluster " + ACME + "workload-clusters/prod-eu\n"
        + "  ~ cluster.x-k8s.io/v1beta2/MachineDeployment/org-acme/prod-eu-md-0\n"), r.out());
    assertTrue(r.out().contains("\n      -  replicas: 6\n      +  replicas: 7\n"), r.out());
    assertTrue(r.out().endsWith("\n1 cluster changed: 0 objects added, 0 removed, 1 changed\n"), r.out());
  }

  @Test
  void anOrganizationDefaultChangesTheClustersThatDoNotOverrideIt() {
    Run r = diff("--git", clone.toString(), "--from", "HEAD~2", "--to", "HEAD~1", "--exit-code");
    assertEquals(1, r.code(), "--exit-code: 1 when the rendering changed; " + r.err());
    assertGolden("organization-default.txt", r.out());
    // prod-eu sets its own worker memory; only staging takes acme's default.
    assertTrue(r.out().startsWith("cluster " + ACME + "workload-clusters/staging\n"), r.out());
    assertTrue(!r.out().contains("prod-eu"), r.out());
    assertTrue(r.out().contains("+ infrastructure.cluster.x-k8s.io/v1alpha1/KVMMachineTemplate/org-acme/staging-md-0-"),
        "a new immutable template name: " + r.out());
    assertTrue(r.out().endsWith("\n1 cluster changed: 1 object added, 1 removed, 1 changed\n"), r.out());
  }

  @Test
  void aReleaseChangesEveryClusterOnIt() {
    Run r = diff("--git", remote.toUri().toString(), "--from", "main~1", "--to", "main");
    assertEquals(0, r.code(), r.err());
    assertGolden("release.txt", r.out());
    assertTrue(r.out().contains("cluster " + ACME + "workload-clusters/prod-eu\n"), r.out());
    assertTrue(r.out().contains("/workload-clusters/analytics\n"), "analytics runs v1.1.0 too: " + r.out());
    assertTrue(!r.out().contains("/staging\n") && !r.out().contains("/legacy\n"), r.out());
    assertTrue(r.out().contains("HelmRelease/org-acme/prod-eu-cilium\n"), r.out());
    assertTrue(r.out().contains("/workload-clusters/edge-metal\n") && r.out().contains("/workload-clusters/hosted\n"),
        "initech's clusters run v1.1.0 too: " + r.out());
    assertTrue(r.out().endsWith("\n4 clusters changed: 0 objects added, 0 removed, 4 changed\n"), r.out());
  }

  @Test
  void allThreeAtOnceAndNothingAtAll() {
    Run all = diff("--git", clone.toString(), "--from", "HEAD~3", "--exit-code");
    assertEquals(1, all.code(), all.err());
    assertTrue(all.out().contains("\n5 clusters changed: "), "prod-eu, staging, analytics, edge-metal and hosted: "
        + all.out());
    Run none = diff("--git", clone.toString(), "--from", "HEAD", "--to", "main", "--exit-code");
    assertEquals(0, none.code(), none.err());
    assertEquals("no changes\n", none.out());
  }

  private static void assertGolden(String name, String actual) {
    Path file = GOLDEN.resolve(name);
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual,
          file + " differs; rerun with -Dgolden.update=true and review the change");
    } catch (IOException e) {
      throw new UncheckedIOException(file + " (create it with -Dgolden.update=true)", e);
    }
  }

  private static Map<String, String> read(Path dir, String prefix) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(prefix + dir.relativize(p).toString().replace('\\', '/'), Files.readString(p));
      }
    }
    return out;
  }
}
