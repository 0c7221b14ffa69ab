package io.capkit.gitops.promote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dirty check promote runs agrees with JGit's full status on a real clone, fast path or not. */
class UncommittedChangesIT {
  @TempDir
  Path tmp;

  @Test
  void agreesWithStatus() throws Exception {
    try (Git git = Git.init().setInitialBranch("main").setDirectory(tmp.toFile()).call()) {
      Repository repo = git.getRepository();
      for (int i = 0; i < 30; i++) {
        Path f = tmp.resolve("mc/org/wc-" + i + "/cluster.yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "spec:\n  release: v1.0.0\n");
      }
      commitAll(git, repo);
      assertSame(repo, false);

      Files.writeString(tmp.resolve("untracked.yaml"), "a: 1\n");
      assertSame(repo, false);
      Path wc3 = tmp.resolve("mc/org/wc-3/cluster.yaml");
      Files.writeString(wc3, "spec:\n  release: v1.0.1\n");
      assertSame(repo, true);
      git.checkout().addPath("mc/org/wc-3/cluster.yaml").call();
      assertSame(repo, false);
      Files.delete(tmp.resolve("mc/org/wc-7/cluster.yaml"));
      assertSame(repo, true);
      git.checkout().addPath("mc/org/wc-7/cluster.yaml").call();
      Files.writeString(tmp.resolve("staged.yaml"), "b: 2\n");
      git.add().addFilepattern("staged.yaml").call();
      assertSame(repo, true);
    }
  }

  @Test
  void statDataDecidesOnlyWhatGitWouldTrust() throws Exception {
    try (Git git = Git.init().setInitialBranch("main").setDirectory(tmp.toFile()).call()) {
      Repository repo = git.getRepository();
      FileTime old = FileTime.from(Instant.now().minusSeconds(60));
      for (int i = 0; i < 10; i++) {
        Path f = tmp.resolve("mc/org/wc-" + i + "/cluster.yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "spec:\n  release: v1.0.0\n");
        Files.setLastModifiedTime(f, old);
      }
      commitAll(git, repo);
      Instant indexTime = Files.getLastModifiedTime(repo.getIndexFile().toPath()).toInstant();
      // Files older than the index with its stat data: clean without reading them.
      assertEquals(List.of(), Promoter.statMismatches(tmp, repo.readDirCache(), indexTime));
      assertSame(repo, false);

      // Same size and time, executable bit set.
      Path wc5 = tmp.resolve("mc/org/wc-5/cluster.yaml");
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(wc5);
      Set<PosixFilePermission> exec = new HashSet<>(perms);
      exec.add(PosixFilePermission.OWNER_EXECUTE);
      Files.setPosixFilePermissions(wc5, exec);
      assertSame(repo, true);
      Files.setPosixFilePermissions(wc5, perms);
      assertSame(repo, false);

      // A file replaced by a folder, and a different size with the old time.
      Path wc6 = tmp.resolve("mc/org/wc-6/cluster.yaml");
      Files.delete(wc6);
      Files.createDirectories(wc6);
      assertSame(repo, true);
      Files.delete(wc6);
      Files.writeString(wc6, "spec:\n  release: v1.0.10\n");
      Files.setLastModifiedTime(wc6, old);
      assertSame(repo, true);
      Files.writeString(wc6, "spec:\n  release: v1.0.0\n");
      Files.setLastModifiedTime(wc6, old);
      assertEquals(List.of(), Promoter.statMismatches(tmp, repo.readDirCache(), indexTime));
      assertSame(repo, false);

      // An edit that keeps the size and the time is trusted as clean, as git does, unless it may have happened after
      // the index was written: with the index written in the files' own tick, every entry is racily clean and only
      // the content can tell.
      Files.setLastModifiedTime(repo.getIndexFile().toPath(), old);
      assertEquals(10, Promoter.statMismatches(tmp, repo.readDirCache(), old.toInstant()).size());
      assertSame(repo, false);
      Path wc2 = tmp.resolve("mc/org/wc-2/cluster.yaml");
      Files.writeString(wc2, "spec:\n  release: v1.0.9\n");
      Files.setLastModifiedTime(wc2, old);
      assertSame(repo, true);
      Files.writeString(wc2, "spec:\n  release: v1.0.0\n");
      Files.setLastModifiedTime(wc2, old);
      assertSame(repo, false);
    }
  }

  /**
   * Commits everything, then writes the index's cached tree, which makes the fast path apply (git writes it on commit
   * and checkout).
   */
  private static void commitAll(Git git, Repository repo) throws Exception {
    git.add().addFilepattern(".").call();
    git.commit().setMessage("fleet").setAuthor("t", "t@t").setCommitter("t", "t@t").call();
    DirCache index = repo.lockDirCache();
    index.getCacheTree(true);
    index.write();
    index.commit();
  }

  private static void assertSame(Repository repo, boolean dirty) throws Exception {
    try (Git git = Git.wrap(repo)) {
      assertEquals(dirty, git.status().call().hasUncommittedChanges(), "JGit status");
    }
    assertEquals(dirty, Promoter.hasUncommittedChanges(repo), "promote's check");
  }
}
