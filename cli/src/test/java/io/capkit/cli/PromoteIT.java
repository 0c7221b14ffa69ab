package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.gitops.git.GitCredentials;
import io.capkit.gitops.promote.ClusterSelector;
import io.capkit.gitops.promote.PromotionPlan;
import io.capkit.gitops.testing.AsIsRenderer;
import io.capkit.gitops.testing.Fleet;
import io.capkit.gitops.testing.ForgeDouble;
import io.capkit.gitops.testing.GitFixture;
import io.capkit.gitops.testing.GitHttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** capkit promote against real repositories: a bare remote over file:// (or smart HTTP) and a forge double. */
class PromoteIT {
  private static final String TOKEN = "forge-token-123";
  private static final String WC1 = Fleet.clusterPath("mc1", "acme", "wc1");
  private static final String WC2 = Fleet.clusterPath("mc1", "acme", "wc2");
  private static final String WC3 = Fleet.clusterPath("mc1", "other", "wc3");

  @TempDir
  Path tmp;
  Path remote;
  Git seed;
  Git work;
  ForgeDouble forge;
  String out;
  String err;

  @BeforeEach
  void setUp() throws Exception {
    remote = tmp.resolve("remote.git");
    GitFixture.bareRemote(remote).close();
    seed = GitFixture.cloneOf(remote, tmp.resolve("seed"));
    GitFixture.commit(seed, "fleet", fleet());
    GitFixture.push(seed);
    work = GitFixture.cloneOf(remote, tmp.resolve("work"));
    forge = new ForgeDouble("acme", "fleet", TOKEN);
  }

  @AfterEach
  void tearDown() {
    seed.close();
    work.close();
    forge.close();
  }

  private static Map<String, String> fleet() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("releases/v1.0.0/release.yaml", Fleet.release("v1.0.0", "v1.32.1", "active"));
    m.put("releases/v1.1.0/release.yaml", Fleet.release("v1.1.0", "v1.33.0", "active"));
    m.put("releases/v1.2.0/release.yaml", Fleet.release("v1.2.0", "v1.34.0", "active"));
    m.put("releases/v1.3.0/release.yaml", Fleet.release("v1.3.0", "v1.34.1", "wip"));
    m.put(WC1, Fleet.cluster("wc1", "v1.0.0", "acme"));
    m.put(WC2, Fleet.cluster("wc2", "v1.0.0", "acme"));
    m.put(WC3, Fleet.cluster("wc3", "v1.0.0", "other"));
    return m;
  }

  private int promote(Path clone, String... args) {
    List<String> all = new ArrayList<>(List.of("--git", clone.toString(), "--forge-url", forge.url().toString(),
        "--repo", "acme/fleet"));
    all.addAll(List.of(args));
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cli = new CommandLine(new PromoteCommand(new AsIsRenderer(), Map.of("CAPKIT_FORGE_TOKEN", TOKEN),
        new GitCredentials(Map.of(), tmp.resolve("home"))));
    cli.setOut(new PrintWriter(o));
    cli.setErr(new PrintWriter(e));
    int code = cli.execute(all.toArray(String[]::new));
    out = o.toString();
    err = e.toString();
    return code;
  }

  private static String branch(String release, String select) {
    return PromotionPlan.branch(release, ClusterSelector.parse(select));
  }

  private ObjectId remoteRef(String branch) throws Exception {
    try (Repository r = Git.open(remote.toFile()).getRepository()) {
      return GitFixture.ref(r, "refs/heads/" + branch);
    }
  }

  private List<String> branchesOf(Repository repo) throws Exception {
    return repo.getRefDatabase().getRefsByPrefix("refs/heads/capkit/").stream().map(r -> r.getName()).toList();
  }

  @Test
  void editsOnlyTheReleaseLineCommitsOnABranchAndOpensAPullRequest() throws Exception {
    ObjectId mainBefore = remoteRef("main");
    assertEquals(0, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"), err);
    String branch = branch("v1.1.0", "org=acme");
    assertTrue(out.contains("pushed branch " + branch), out);
    assertTrue(out.contains("pull request #1 https://forge.example/acme/fleet/pull/1"), out);

    ObjectId tip = remoteRef(branch);
    try (Repository r = Git.open(remote.toFile()).getRepository(); RevWalk walk = new RevWalk(r)) {
      RevCommit c = walk.parseCommit(tip);
      assertEquals(mainBefore, c.getParent(0));
      assertEquals("Test Person", c.getAuthorIdent().getName());
      assertTrue(c.getFullMessage().contains("- mc1/acme/wc1: v1.0.0 -> v1.1.0\n- mc1/acme/wc2: v1.0.0 -> v1.1.0\n"),
          c.getFullMessage());
      assertEquals(List.of(WC1, WC2), changedPaths(r, walk.parseCommit(mainBefore), c));
      // Byte for byte: the release scalar is the only change; comments and layout are kept.
      String original = Fleet.cluster("wc1", "v1.0.0", "acme");
      String expected = original.replace("  release: v1.0.0    #", "  release: v1.1.0    #");
      assertNotEquals(original, expected);
      assertEquals(expected, GitFixture.show(r, tip, WC1));
      assertEquals(Fleet.cluster("wc3", "v1.0.0", "other"), GitFixture.show(r, tip, WC3));
    }
    assertEquals(1, forge.pulls().size());
    var pr = forge.pulls().get(0);
    assertEquals(branch, pr.path("head").path("ref").asText());
    assertEquals("main", pr.path("base").path("ref").asText());
    assertEquals("Promote 2 clusters to v1.1.0", pr.path("title").asText());
    assertTrue(pr.path("body").asText().contains("2 clusters changed: 0 objects added, 0 removed, 2 changed"),
        pr.path("body").asText());
    // The clone is untouched: still on main, clean, with a local branch for the pushed commit.
    Repository local = work.getRepository();
    assertEquals("refs/heads/main", local.getFullBranch());
    assertTrue(work.status().call().isClean());
    assertEquals(Fleet.cluster("wc1", "v1.0.0", "acme"),
        Files.readString(tmp.resolve("work").resolve(WC1), StandardCharsets.UTF_8));
    assertEquals(tip, GitFixture.ref(local, "refs/heads/" + branch));
    assertFalse(err.contains(TOKEN) || out.contains(TOKEN));
  }

  @Test
  void runningAgainUpdatesTheSamePullRequestAndRebasesOnAMovedBase() throws Exception {
    assertEquals(0, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"), err);
    String branch = branch("v1.1.0", "org=acme");
    ObjectId first = remoteRef(branch);

    assertEquals(0, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"), err);
    assertTrue(out.contains("is up to date"), out);
    assertEquals(first, remoteRef(branch));

    RevCommit moved = GitFixture.commit(seed, "unrelated change", Map.of("README.md", "fleet\n"));
    GitFixture.push(seed);
    assertEquals(0, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"), err);
    assertTrue(out.contains("updated branch " + branch), out);
    ObjectId second = remoteRef(branch);
    assertNotEquals(first, second);
    // The moved base was fetched over promote's one connection into its tracking ref, and the fetched pack is no
    // longer held from garbage collection (no .keep left).
    Repository clone = work.getRepository();
    assertEquals(moved.getId(), GitFixture.ref(clone, "refs/remotes/origin/main"));
    assertEquals(second, GitFixture.ref(clone, "refs/remotes/origin/" + branch));
    try (var packs = Files.list(clone.getDirectory().toPath().resolve("objects/pack"))) {
      assertEquals(List.of(), packs.filter(f -> f.toString().endsWith(".keep")).toList());
    }
    try (Repository r = Git.open(remote.toFile()).getRepository(); RevWalk walk = new RevWalk(r)) {
      RevCommit c = walk.parseCommit(second);
      assertEquals(moved.getId(), c.getParent(0).getId());
      assertEquals(List.of(WC1, WC2), changedPaths(r, walk.parseCommit(moved), c));
    }
    assertEquals(1, forge.pulls().size(), "one pull request across runs");
    assertEquals(2, forge.calls().stream().filter(c -> c.startsWith("PATCH /api/repos/acme/fleet/pulls/1")).count());
    assertEquals(1, forge.calls().stream().filter(c -> c.startsWith("POST")).count());
  }

  @Test
  void refusesToReplaceABranchSomeoneElseCommittedTo() throws Exception {
    assertEquals(0, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"), err);
    String branch = branch("v1.1.0", "org=acme");
    seed.fetch().setRemote("origin").call();
    seed.checkout().setCreateBranch(true).setName("theirs").setStartPoint("origin/" + branch).call();
    GitFixture.commit(seed, "a reviewer's fix", Map.of(WC3, Fleet.cluster("wc3", "v1.0.0", "other") + "# hi\n"));
    seed.push().setRemote("origin").setRefSpecs(new org.eclipse.jgit.transport.RefSpec("theirs:" + branch)).call();
    ObjectId theirs = remoteRef(branch);
    seed.checkout().setName("main").call();
    GitFixture.commit(seed, "move main", Map.of("README.md", "x\n"));
    GitFixture.push(seed);

    assertEquals(1, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"));
    assertTrue(err.contains("branch " + branch + " has commits capkit did not make"), err);
    assertEquals(theirs, remoteRef(branch));
  }

  @Test
  void aRejectedPushLeavesNoBranchAnywhere() throws Exception {
    try (Git bare = Git.open(remote.toFile());
        GitHttpServer http = new GitHttpServer(Map.of("fleet", bare.getRepository()), null, null)) {
      http.rejectPushesWith("branch creation is restricted");
      Path clone = tmp.resolve("http-clone");
      Git.cloneRepository().setURI(http.url("fleet")).setDirectory(clone.toFile()).call().close();
      assertEquals(1, promote(clone, "--release", "v1.1.0", "--select", "org=acme"));
      assertTrue(err.contains("rejected"), err);
      assertTrue(err.contains("branch creation is restricted"), err);
      try (Git c = Git.open(clone.toFile())) {
        assertEquals(List.of(), branchesOf(c.getRepository()));
        assertEquals(List.of(), c.getRepository().getRefDatabase().getRefsByPrefix("refs/remotes/origin/capkit"));
      }
      assertEquals(List.of(), branchesOf(bare.getRepository()));
      assertEquals(List.of(), forge.pulls());
    }
  }

  @Test
  void aForgeFailureDeletesTheNewBranchAgain() throws Exception {
    forge.failCreatesWith(500);
    assertEquals(1, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"));
    assertTrue(err.contains("POST /repos/acme/fleet/pulls: HTTP 500: Server Error"), err);
    assertNull(remoteRef(branch("v1.1.0", "org=acme")));
    assertEquals(List.of(), branchesOf(work.getRepository()));
  }

  @Test
  void refusesDirtyAndShallowClonesAndMissingBase() throws Exception {
    Files.writeString(tmp.resolve("work").resolve(WC3), "changed locally\n");
    assertEquals(1, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"));
    assertTrue(err.contains("has uncommitted changes; commit or stash them first"), err);

    Git.cloneRepository().setURI(remote.toUri().toString()).setDirectory(tmp.resolve("shallow").toFile())
        .setDepth(1).call().close();
    assertEquals(1, promote(tmp.resolve("shallow"), "--release", "v1.1.0", "--select", "org=acme"));
    assertTrue(err.contains("is a shallow clone"), err);

    work.checkout().addPath(WC3).call();
    assertEquals(1, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme", "--base", "nope"));
    assertTrue(err.contains("has no branch \"nope\""), err);
    assertEquals(List.of(), branchesOf(work.getRepository()));
    assertEquals(List.of(), forge.calls());
  }

  @Test
  void refusesPromotionsThatBreakTheContractOrFilesThatCannotBeEditedSafely() throws Exception {
    assertEquals(1, promote(tmp.resolve("work"), "--release", "v1.2.0", "--select", "org=acme"));
    String skip = ": spec.release: moving from release v1.0.0 to v1.2.0: cannot upgrade Kubernetes from v1.32.1 to "
        + "v1.34.0: skips 1 minor version(s); upgrade one minor version at a time\n";
    assertEquals(WC1 + skip + WC2 + skip, err.substring(err.indexOf(WC1)));
    assertEquals(1, promote(tmp.resolve("work"), "--release", "v9.0.0", "--select", "name=wc1"));
    assertTrue(err.contains(WC1 + ": spec.release: release v9.0.0 does not exist"), err);
    assertEquals(1, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=nobody"));
    assertTrue(err.contains("--select: org=nobody matched no WorkloadCluster"), err);

    GitFixture.commit(seed, "anchor", Map.of(WC2, "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\n"
        + "metadata: {name: wc2, namespace: org-acme}\nspec:\n  release: &r v1.0.0\n  flavor: kvm\n"));
    GitFixture.push(seed);
    assertEquals(1, promote(tmp.resolve("work"), "--release", "v1.1.0", "--select", "org=acme"));
    assertTrue(err.contains(WC2 + ": line 5, column 12: anchors (&r) are not allowed: write the value out"), err);
    assertNull(remoteRef(branch("v1.1.0", "org=acme")));
    assertEquals(List.of(), branchesOf(work.getRepository()));
    assertEquals(List.of(), forge.pulls());
  }

  private static List<String> changedPaths(Repository r, RevCommit a, RevCommit b) throws Exception {
    try (var reader = r.newObjectReader()) {
      CanonicalTreeParser x = new CanonicalTreeParser(null, reader, a.getTree());
      CanonicalTreeParser y = new CanonicalTreeParser(null, reader, b.getTree());
      return DiffEntry.scan(new org.eclipse.jgit.treewalk.TreeWalk(r) {
        {
          addTree(x);
          addTree(y);
          setRecursive(true);
        }
      }).stream().map(DiffEntry::getNewPath).sorted().toList();
    }
  }
}
