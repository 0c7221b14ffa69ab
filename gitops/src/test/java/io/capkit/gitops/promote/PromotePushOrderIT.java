package io.capkit.gitops.promote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.SourceTree;
import io.capkit.gitops.diff.FleetRenderer;
import io.capkit.gitops.diff.RenderedOutput;
import io.capkit.gitops.git.GitCredentials;
import io.capkit.gitops.testing.FleetText;
import io.capkit.gitops.testing.GitFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When promote pushes: once the rules passed and the edited (new) side rendered without a problem, while the old side
 * is rendered for the pull request body; nothing is pushed when the new side fails; a push the old side's failure
 * comes after is taken back (a created branch deleted, a replaced one put back). A stand-in renderer (each fleet file
 * rendered as it is, cluster by cluster) waits on the remote bare repository or fails, side by side.
 */
class PromotePushOrderIT {
  private static final String OLD = "release: v1.0.0";
  private static final String NEW = "release: v1.1.0";

  @TempDir
  Path tmp;

  /** As-is rendering; `old` and `fresh` say what each side does when its clusters are rendered. */
  private static final class SidesRenderer implements FleetRenderer {
    enum Act { RENDER, WAIT_FOR_PUSH, WAIT_FOR_PUSH_THEN_FAIL, FAIL }

    private final Path remote;
    volatile Act old = Act.RENDER;
    volatile Act fresh = Act.RENDER;
    volatile ObjectId branchBefore; // the promote branch on the remote before the run
    volatile Boolean pushedBeforeOldSide;

    SidesRenderer(Path remote) {
      this.remote = remote;
    }

    @Override
    public SortedMap<String, byte[]> render(SourceTree fleet, SourceTree releases) {
      SortedMap<String, byte[]> out = asIs(fleet);
      Act act = isOld(out) ? old : isNew(out) ? fresh : Act.RENDER;
      if (act == Act.FAIL || act == Act.WAIT_FOR_PUSH_THEN_FAIL) {
        throw new InvalidInputException(new Problem("stand-in", null, "this side does not render"));
      }
      return out;
    }

    @Override
    public Prepared prepare(SourceTree fleet, SourceTree releases) {
      SortedMap<String, byte[]> out = asIs(fleet);
      Act act = isOld(out) ? old : isNew(out) ? fresh : Act.RENDER;
      Map<String, SortedMap<String, byte[]>> clusters = new TreeMap<>();
      SortedMap<String, byte[]> shared = new TreeMap<>();
      out.forEach((path, bytes) -> {
        if (path.endsWith("/cluster.yaml")) {
          clusters.computeIfAbsent(path.substring(0, path.lastIndexOf('/')), f -> new TreeMap<>()).put(path, bytes);
        } else {
          shared.put(path, bytes);
        }
      });
      return new Prepared() {
        @Override
        public Set<String> clusterFolders() {
          return clusters.keySet();
        }

        @Override
        public RenderedOutput shared() {
          return RenderedOutput.of(shared);
        }

        @Override
        public void renderClusters(Collection<String> folders, BiConsumer<String, RenderedOutput> sink) {
          if (act == Act.WAIT_FOR_PUSH || act == Act.WAIT_FOR_PUSH_THEN_FAIL) {
            pushedBeforeOldSide = waitForPush();
          }
          if (act == Act.FAIL || act == Act.WAIT_FOR_PUSH_THEN_FAIL) {
            throw new InvalidInputException(new Problem("stand-in", null, "this side does not render"));
          }
          folders.forEach(f -> sink.accept(f, RenderedOutput.of(clusters.get(f))));
        }
      };
    }

    // Whether the remote's promote branch moved from `branchBefore` within 30 s.
    private boolean waitForPush() {
      long until = System.nanoTime() + 30_000_000_000L;
      while (System.nanoTime() < until) {
        ObjectId now = promoteBranch(remote);
        if (now != null && !now.equals(branchBefore)) {
          return true;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return false;
    }

    private static SortedMap<String, byte[]> asIs(SourceTree fleet) {
      SortedMap<String, byte[]> out = new TreeMap<>();
      for (String f : fleet.files()) {
        if (f.endsWith(".yaml") && !f.startsWith("releases/")) {
          out.put(f, fleet.read(f).orElseThrow());
        }
      }
      return out;
    }

    private static boolean isOld(SortedMap<String, byte[]> out) {
      return clusterText(out).contains(OLD);
    }

    private static boolean isNew(SortedMap<String, byte[]> out) {
      return clusterText(out).contains(NEW);
    }

    private static String clusterText(SortedMap<String, byte[]> out) {
      StringBuilder b = new StringBuilder();
      out.forEach((path, bytes) -> {
        if (path.endsWith("/cluster.yaml")) {
          b.append(new String(bytes, StandardCharsets.UTF_8));
        }
      });
      return b.toString();
    }
  }

  // The id of the remote's capkit/promote-* branch, or null.
  private static ObjectId promoteBranch(Path remote) {
    try (Git bare = Git.open(remote.toFile())) {
      return bare.getRepository().getRefDatabase().getRefsByPrefix("refs/heads/capkit/promote-").stream()
          .findFirst().map(r -> r.getObjectId()).orElse(null);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Git fleet(Path remote) throws Exception {
    GitFixture.bareRemote(remote).close();
    TreeMap<String, String> files = new TreeMap<>();
    // Every cluster on v1.0.0, so each side is told apart by its cluster files.
    FleetText.of(1, 2, 3, 7).files().forEach((path, text) -> files.put(path, path.endsWith("/cluster.yaml")
        ? text.replaceAll("release: v\\S+", OLD) : text));
    FleetText.checkedInReleases().forEach((path, text) -> files.put("releases/" + path, text));
    Git git = GitFixture.cloneOf(remote, tmp.resolve("clone"));
    GitFixture.commit(git, "fleet", files);
    GitFixture.push(git);
    return git;
  }

  private static Promoter.Result promote(Repository repo, SidesRenderer renderer, StringWriter progress) {
    return new Promoter(new GitCredentials(Map.of(), null), renderer, null, new PrintWriter(progress, true))
        .promote(repo, new Promoter.Options("v1.1.0", ClusterSelector.parse("mc=mc-0"), "main", "origin", "",
            "releases"));
  }

  @Test
  void theBranchIsPushedWhileTheOldSideRenders() throws Exception {
    Path remote = tmp.resolve("remote.git");
    try (Git git = fleet(remote)) {
      SidesRenderer renderer = new SidesRenderer(remote);
      renderer.old = SidesRenderer.Act.WAIT_FOR_PUSH;
      StringWriter progress = new StringWriter();
      Promoter.Result r = promote(git.getRepository(), renderer, progress);
      assertEquals(Promoter.Outcome.CREATED, r.outcome(), progress.toString());
      assertEquals(Boolean.TRUE, renderer.pushedBeforeOldSide,
          "the remote had the branch before the old side rendered");
      assertEquals(r.commit(), promoteBranch(remote));
      assertEquals(r.commit(), GitFixture.ref(git.getRepository(), "refs/heads/" + r.branch()));
      // The report still compares both sides.
      int n = r.plan().edits().size();
      assertTrue(n >= 3, n + " clusters");
      assertTrue(r.diffSummary().startsWith(n + " clusters changed"), r.diffSummary());
    }
  }

  @Test
  void nothingIsPushedWhenTheNewSideDoesNotRender() throws Exception {
    Path remote = tmp.resolve("remote.git");
    try (Git git = fleet(remote)) {
      SidesRenderer renderer = new SidesRenderer(remote);
      renderer.fresh = SidesRenderer.Act.FAIL;
      StringWriter progress = new StringWriter();
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> promote(git.getRepository(), renderer, progress));
      assertTrue(e.getMessage().contains("this side does not render"), e.getMessage());
      assertNull(promoteBranch(remote));
      assertFalse(progress.toString().contains("pushing"), progress.toString());
      assertTrue(git.getRepository().getRefDatabase().getRefsByPrefix("refs/heads/capkit/").isEmpty());
    }
  }

  @Test
  void aCreatedBranchIsDeletedAgainWhenTheOldSideFailsAfterThePush() throws Exception {
    Path remote = tmp.resolve("remote.git");
    try (Git git = fleet(remote)) {
      SidesRenderer renderer = new SidesRenderer(remote);
      renderer.old = SidesRenderer.Act.WAIT_FOR_PUSH_THEN_FAIL;
      StringWriter progress = new StringWriter();
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> promote(git.getRepository(), renderer, progress));
      assertTrue(e.getMessage().contains("this side does not render"), e.getMessage());
      assertEquals(Boolean.TRUE, renderer.pushedBeforeOldSide, progress.toString());
      assertTrue(progress.toString().contains("pushing new branch"), progress.toString());
      assertNull(promoteBranch(remote), "deleted again");
      assertTrue(git.getRepository().getRefDatabase().getRefsByPrefix("refs/heads/capkit/").isEmpty());
      assertTrue(git.getRepository().getRefDatabase().getRefsByPrefix("refs/remotes/origin/capkit/").isEmpty());
    }
  }

  @Test
  void aReplacedBranchIsPutBackWhenTheOldSideFailsAfterThePush() throws Exception {
    Path remote = tmp.resolve("remote.git");
    try (Git git = fleet(remote)) {
      SidesRenderer renderer = new SidesRenderer(remote);
      StringWriter progress = new StringWriter();
      Promoter.Result first = promote(git.getRepository(), renderer, progress);
      assertEquals(Promoter.Outcome.CREATED, first.outcome(), progress.toString());
      // main moves on: the next run makes its commit on the new base and replaces the first one, then fails.
      RevCommit moved = GitFixture.commit(git, "readme", Map.of("README.md", "# fleet\n"));
      GitFixture.push(git);
      renderer.branchBefore = first.commit();
      renderer.old = SidesRenderer.Act.WAIT_FOR_PUSH_THEN_FAIL;
      StringWriter again = new StringWriter();
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> promote(git.getRepository(), renderer, again));
      assertTrue(e.getMessage().contains("this side does not render"), e.getMessage());
      assertEquals(Boolean.TRUE, renderer.pushedBeforeOldSide, again.toString());
      assertTrue(again.toString().contains("replacing capkit's commit"), again.toString());
      assertEquals(first.commit(), promoteBranch(remote), "capkit's previous commit is back");
      assertEquals(first.commit(), GitFixture.ref(git.getRepository(), "refs/heads/" + first.branch()));
      assertNotEquals(moved, first.commit());
      // And a run that passes replaces it.
      renderer.old = SidesRenderer.Act.RENDER;
      Promoter.Result third = promote(git.getRepository(), renderer, new StringWriter());
      assertEquals(Promoter.Outcome.UPDATED, third.outcome());
      assertEquals(third.commit(), promoteBranch(remote));
    }
  }
}
