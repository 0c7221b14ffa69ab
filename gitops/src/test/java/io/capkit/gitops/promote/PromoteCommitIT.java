package io.capkit.gitops.promote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.gitops.git.GitCredentials;
import io.capkit.gitops.testing.FleetText;
import io.capkit.gitops.testing.GitFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promotion commit, built from the edited trees only and written as one pack: its tree is the one a whole index
 * of the base with the edited files gives, other subtrees keep their ids, and no loose object is left in the clone.
 */
class PromoteCommitIT {
  @TempDir
  Path tmp;

  @Test
  void theCommitIsTheBaseTreeWithTheEditedFilesAndOnePack() throws Exception {
    Path remote = tmp.resolve("remote.git");
    GitFixture.bareRemote(remote).close();
    TreeMap<String, String> files = FleetText.of(2, 3, 5, 18).files();
    FleetText.checkedInReleases().forEach((path, text) -> files.put("releases/" + path, text));
    files.put("README.md", "# fleet\n");
    try (Git git = GitFixture.cloneOf(remote, tmp.resolve("clone"))) {
      RevCommit base = GitFixture.commit(git, "fleet", files);
      GitFixture.push(git);
      Repository repo = git.getRepository();
      long looseBefore = looseObjects(repo);
      int packsBefore = packs(repo);

      StringWriter progress = new StringWriter();
      Promoter.Result r = new Promoter(new GitCredentials(Map.of(), null), null, null, new PrintWriter(progress))
          .promote(repo, new Promoter.Options("v1.1.0", ClusterSelector.parse("mc=mc-0,release=v1.0.0"), "main",
              "origin", "", "releases"));
      assertEquals(Promoter.Outcome.CREATED, r.outcome(), progress.toString());
      long looseAfter = looseObjects(repo);
      int packsAfter = packs(repo);
      int edited = r.plan().edits().size();
      assertTrue(edited >= 5, edited + " clusters edited");

      // What a whole index of the base tree with the edited files swapped in writes.
      TreeMap<String, byte[]> content = new TreeMap<>();
      r.plan().edits().forEach(e -> content.put(e.file().path(), e.content()));
      ObjectId expected;
      try (ObjectInserter inserter = repo.newObjectInserter(); TreeWalk tw = new TreeWalk(repo)) {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        tw.addTree(base.getTree());
        tw.setRecursive(true);
        while (tw.next()) {
          DirCacheEntry e = new DirCacheEntry(tw.getRawPath());
          e.setFileMode(tw.getFileMode(0));
          byte[] bytes = content.get(tw.getPathString());
          e.setObjectId(bytes == null ? tw.getObjectId(0) : inserter.idFor(Constants.OBJ_BLOB, bytes));
          builder.add(e);
        }
        builder.finish();
        expected = index.writeTree(inserter); // not flushed
      }
      try (RevWalk walk = new RevWalk(repo)) {
        RevCommit commit = walk.parseCommit(r.commit());
        assertEquals(expected, commit.getTree().getId(), "the tree of the base with the edited files");
        assertEquals(base, commit.getParent(0));
        for (String edit : content.keySet()) {
          assertTrue(new String(content.get(edit), StandardCharsets.UTF_8).contains("release: v1.1.0"), edit);
          assertEquals(new String(content.get(edit), StandardCharsets.UTF_8), GitFixture.show(repo, commit, edit));
        }
        // Subtrees without an edit are the base's own; the others are new.
        int same = 0;
        for (String folder : new String[] {"releases", "management-clusters/mc-1", "management-clusters/mc-0",
            "management-clusters/mc-0/organizations/org-0-0", "management-clusters/mc-0/organizations/org-0-1",
            "management-clusters/mc-0/organizations/org-0-2", "management-clusters/mc-1/organizations/org-1-0"}) {
          boolean edits = content.keySet().stream().anyMatch(p -> p.startsWith(folder + "/"));
          if (edits) {
            assertNotEquals(treeAt(repo, base, folder), treeAt(repo, commit, folder), folder);
          } else {
            assertEquals(treeAt(repo, base, folder), treeAt(repo, commit, folder), folder);
            same++;
          }
        }
        assertTrue(same >= 3, same + " folders without edits");
      }
      assertEquals(looseBefore, looseAfter, "the new objects are packed, not loose");
      assertEquals(packsBefore + 1, packsAfter, "one pack for the commit");
      // The remote got the same commit, complete.
      try (Git bare = Git.open(remote.toFile())) {
        assertEquals(r.commit(), GitFixture.ref(bare.getRepository(), "refs/heads/" + r.branch()));
        assertEquals(new String(content.firstEntry().getValue(), StandardCharsets.UTF_8),
            GitFixture.show(bare.getRepository(), r.commit(), content.firstKey()));
      }
    }
  }

  @Test
  void aDirtyCloneIsRefusedBeforeAnyOtherProblemAndNothingIsCommitted() throws Exception {
    Path remote = tmp.resolve("remote.git");
    GitFixture.bareRemote(remote).close();
    TreeMap<String, String> files = FleetText.of(1, 2, 3, 7).files();
    FleetText.checkedInReleases().forEach((path, text) -> files.put("releases/" + path, text));
    try (Git git = GitFixture.cloneOf(remote, tmp.resolve("clone"))) {
      GitFixture.commit(git, "fleet", files);
      GitFixture.push(git);
      Repository repo = git.getRepository();
      Path edited = repo.getWorkTree().toPath().resolve(files.firstKey());
      Files.writeString(edited, Files.readString(edited) + "# local edit\n");
      long loose = looseObjects(repo);
      int packs = packs(repo);
      // The check runs beside the fetch and the plan: its answer still comes first, whatever else fails.
      for (String release : new String[] {"v1.1.0", "v9.9.9", "v1.0.0"}) {
        io.capkit.api.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
            io.capkit.api.InvalidInputException.class, () -> new Promoter(new GitCredentials(Map.of(), null), null,
                null, new PrintWriter(new StringWriter())).promote(repo, new Promoter.Options(release,
                ClusterSelector.parse("mc=mc-0"), "main", "origin", "", "releases")));
        assertEquals(1, e.problems().size(), release + ": " + e.getMessage());
        assertTrue(e.getMessage().endsWith("has uncommitted changes; commit or stash them first"), e.getMessage());
      }
      assertEquals(loose, looseObjects(repo));
      assertEquals(packs, packs(repo));
      assertEquals(java.util.List.of("refs/heads/main"), repo.getRefDatabase().getRefsByPrefix("refs/heads/").stream()
          .map(org.eclipse.jgit.lib.Ref::getName).toList());
      try (Git bare = Git.open(remote.toFile())) {
        assertEquals(1, bare.getRepository().getRefDatabase().getRefsByPrefix("refs/heads/").size());
      }
    }
  }

  private static ObjectId treeAt(Repository repo, RevCommit commit, String path) throws IOException {
    try (TreeWalk tw = TreeWalk.forPath(repo, path, commit.getTree())) {
      return tw.getObjectId(0);
    }
  }

  private static long looseObjects(Repository repo) throws IOException {
    try (Stream<Path> s = Files.walk(repo.getDirectory().toPath().resolve("objects"))) {
      return s.filter(p -> p.getParent().getFileName().toString().matches("[0-9a-f]{2}")).count();
    }
  }

  private static int packs(Repository repo) throws IOException {
    try (Stream<Path> s = Files.list(repo.getDirectory().toPath().resolve("objects/pack"))) {
      return (int) s.filter(p -> p.toString().endsWith(".pack")).count();
    }
  }
}
