package io.capkit.gitops.promote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
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
      git.add().addFilepattern(".").call();
      git.commit().setMessage("fleet").setAuthor("t", "t@t").setCommitter("t", "t@t").call();
      // The cached tree in the index makes the fast path apply; git writes it on commit and checkout.
      DirCache index = repo.lockDirCache();
      index.getCacheTree(true);
      index.write();
      index.commit();
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

  private static void assertSame(Repository repo, boolean dirty) throws Exception {
    try (Git git = Git.wrap(repo)) {
      assertEquals(dirty, git.status().call().hasUncommittedChanges(), "JGit status");
    }
    assertEquals(dirty, Promoter.hasUncommittedChanges(repo), "promote's check");
  }
}
