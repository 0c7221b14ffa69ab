package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.gitops.git.GitCredentials;
import io.capkit.gitops.git.GitRepositories;
import io.capkit.gitops.testing.AsIsRenderer;
import io.capkit.gitops.testing.Fleet;
import io.capkit.gitops.testing.GitFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DiffCommandIT {
  @TempDir
  Path tmp;
  String out;
  String err;

  private int diff(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cli = new CommandLine(new DiffCommand(new AsIsRenderer(),
        new GitRepositories(tmp.resolve("cache"), new GitCredentials(Map.of(), tmp))));
    cli.setOut(new PrintWriter(o));
    cli.setErr(new PrintWriter(e));
    int code = cli.execute(args);
    out = o.toString();
    err = e.toString();
    return code;
  }

  @Test
  void comparesTwoCommitsPerClusterAndObjectWithGitDiffExitCodes() throws Exception {
    Path remote = tmp.resolve("remote.git");
    GitFixture.bareRemote(remote).close();
    String wc1 = Fleet.clusterPath("mc1", "acme", "wc1");
    String wc2 = Fleet.clusterPath("mc1", "acme", "wc2");
    String wc4 = Fleet.clusterPath("mc1", "acme", "wc4");
    try (Git git = GitFixture.cloneOf(remote, tmp.resolve("clone"))) {
      Map<String, String> first = new HashMap<>();
      first.put(wc1, Fleet.cluster("wc1", "v1.0.0", "acme"));
      first.put(wc2, Fleet.cluster("wc2", "v1.0.0", "acme"));
      GitFixture.commit(git, "one", first);
      Map<String, String> second = new HashMap<>();
      second.put(wc1, Fleet.cluster("wc1", "v1.1.0", "acme"));
      second.put(wc2, null);
      second.put(wc4, Fleet.cluster("wc4", "v1.1.0", "acme"));
      GitFixture.commit(git, "two", second);
      GitFixture.push(git);
    }
    String expected = "cluster management-clusters/mc1/organizations/acme/workload-clusters/wc1\n"
        + "  ~ fleet.capkit.io/v1alpha1/WorkloadCluster/org-acme/wc1\n"
        + "      --- a/fleet.capkit.io/v1alpha1/WorkloadCluster/org-acme/wc1\n"
        + "      +++ b/fleet.capkit.io/v1alpha1/WorkloadCluster/org-acme/wc1\n"
        + "      @@ -7,7 +7,7 @@\n"
        + "           team: acme\n"
        + "           tier: gold\n"
        + "       spec:\n"
        + "      -  release: v1.0.0\n"
        + "      +  release: v1.1.0\n"
        + "         flavor: kvm\n"
        + "         variables:\n"
        + "           WORKER_MACHINE_COUNT: 5\n"
        + "cluster management-clusters/mc1/organizations/acme/workload-clusters/wc2\n"
        + "  - fleet.capkit.io/v1alpha1/WorkloadCluster/org-acme/wc2\n"
        + "cluster management-clusters/mc1/organizations/acme/workload-clusters/wc4\n"
        + "  + fleet.capkit.io/v1alpha1/WorkloadCluster/org-acme/wc4\n"
        + "3 clusters changed: 1 object added, 1 removed, 1 changed\n";
    assertEquals(0, diff("--git", tmp.resolve("clone").toString(), "--from", "HEAD~1", "--to", "HEAD"), err);
    assertEquals(expected, out);
    assertEquals(1, diff("--git", remote.toUri().toString(), "--from", "main~1", "--to", "main", "--exit-code"));
    assertEquals(expected, out, "the same output from a remote read through the cache");
    assertEquals(0, diff("--git", tmp.resolve("clone").toString(), "--from", "HEAD", "--exit-code"), err);
    assertEquals("no changes\n", out);
    assertEquals(1, diff("--git", tmp.resolve("clone").toString(), "--from", "v9"));
    assertEquals(tmp.resolve("clone") + ": ref \"v9\" not found\n", err);
    assertEquals(2, diff("--git", tmp.resolve("clone").toString()));
    assertTrue(err.contains("Missing required option: '--from=REF'"), err);
  }
}
