package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.CrdSources;
import io.capkit.testsupport.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SortedMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** render, explain and validate read a commit of a real Git repository (local and bare file:// remote). */
class GitInputIT {
  @TempDir
  Path tmp;

  @Test
  void renderingACommitGivesTheBytesOfRenderingItsCheckout() throws Exception {
    Path repo = exampleRepository();
    CapkitCommandTest.Run fromDisk = CapkitCommandTest.run("render", "--fleet", repo.resolve("fleet").toString(),
        "--releases", repo.resolve("releases").toString(), "--out", tmp.resolve("disk").toString());
    assertEquals(0, fromDisk.code(), fromDisk.err());
    Path bare = tmp.resolve("remote.git");
    Git.cloneRepository().setURI(repo.toUri().toString()).setDirectory(bare.toFile()).setBare(true).call().close();
    for (String git : new String[] {repo.toString(), bare.toUri().toString()}) {
      Path out = tmp.resolve("git-" + Math.abs(git.hashCode()));
      CapkitCommandTest.Run fromGit = CapkitCommandTest.run("render", "--git", git, "--ref", "main",
          "--fleet", "fleet", "--releases", "releases", "--out", out.toString());
      assertEquals(0, fromGit.code(), fromGit.err());
      // A render from folders also writes its record (.capkit-render-record); one from a commit writes none.
      SortedMap<String, byte[]> a = CapkitCommandTest.manifests(tmp.resolve("disk"));
      SortedMap<String, byte[]> b = CapkitCommandTest.tree(out);
      assertEquals(a.keySet(), b.keySet());
      a.forEach((path, bytes) -> assertTrue(Arrays.equals(bytes, b.get(path)), path + " differs"));
      assertTrue(a.size() > 20, "rendered files: " + a.size());
    }
  }

  @Test
  void aCommitNotTheWorkTreeIsRead() throws Exception {
    Path repo = exampleRepository();
    // An uncommitted edit that breaks the contract: rendering the commit does not see it.
    Path cluster = repo.resolve("fleet/management-clusters/mc-berlin/organizations/acme/workload-clusters/prod-eu/cluster.yaml");
    Files.writeString(cluster, Files.readString(cluster).replace("release:", "releasee:"));
    assertEquals(0, CapkitCommandTest.run("render", "--git", repo.toString(), "--fleet", "fleet",
        "--out", tmp.resolve("out").toString()).code());
    CapkitCommandTest.Run explain = CapkitCommandTest.run("explain", "org-acme/prod-eu", "--git", repo.toString(),
        "--fleet", "fleet");
    assertEquals(0, explain.code(), explain.err());
    assertTrue(explain.out().contains("@HEAD:fleet/management-clusters/mc-berlin/organizations/acme/workload-clusters/"
        + "prod-eu/cluster.yaml"), explain.out());
    CapkitCommandTest.Run validate = CapkitCommandTest.run("validate", "--git", repo.toString(), "fleet/management-clusters");
    assertEquals(0, validate.code(), validate.err());
    assertTrue(validate.out().matches("(?s)\\d+ files valid\\s*"), validate.out());
  }

  @Test
  void badRefsExitOneAndMissingInputsTwoWithTheReason() throws Exception {
    Path repo = exampleRepository();
    CapkitCommandTest.Run noRef = CapkitCommandTest.run("render", "--git", repo.toString(), "--ref", "no-such-branch",
        "--fleet", "fleet", "--out", tmp.resolve("out").toString());
    assertEquals(1, noRef.code());
    assertTrue(noRef.err().contains("ref \"no-such-branch\" not found"), noRef.err());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing is written on a problem");
    CapkitCommandTest.Run refAlone = CapkitCommandTest.run("render", "--fleet", "f", "--releases", "r", "--ref", "main",
        "--out", tmp.resolve("out").toString());
    assertEquals(2, refAlone.code(), "a usage error");
    assertTrue(refAlone.err().startsWith("--ref needs --git"), refAlone.err());
    CapkitCommandTest.Run noFleet = CapkitCommandTest.run("render", "--releases", "r", "--out", tmp.resolve("o").toString());
    assertEquals(2, noFleet.code(), "a usage error");
    assertTrue(noFleet.err().startsWith("Missing required option: '--fleet=DIR' (or read both from a commit with --git)"),
        noFleet.err());
  }

  /** The example fleet and releases committed on branch main of a fresh repository (work tree). */
  private Path exampleRepository() throws Exception {
    Path repo = tmp.resolve("repo-" + System.nanoTime());
    FileTrees.copy(CrdSources.repoRoot().resolve("fleet-repo-example"), repo.resolve("fleet"));
    FileTrees.copy(CrdSources.repoRoot().resolve("releases"), repo.resolve("releases"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("capkit test", "test@capkit.invalid");
      git.commit().setAuthor(who).setCommitter(who).setMessage("fleet").setSign(false).call();
    }
    return repo;
  }
}
