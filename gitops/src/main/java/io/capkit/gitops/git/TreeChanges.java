package io.capkit.gitops.git;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.io.IOException;
import java.util.SortedSet;
import java.util.TreeSet;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** The paths whose content or mode differs between two commits: JGit's tree diff, which skips equal subtrees. */
public final class TreeChanges {
  private TreeChanges() {}

  /** Repository-relative paths added, removed or changed between {@code from} and {@code to}. */
  public static SortedSet<String> between(Repository repo, RevCommit from, RevCommit to, String where) {
    SortedSet<String> out = new TreeSet<>();
    try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(from.getTree());
      walk.addTree(to.getTree());
      walk.setRecursive(true);
      walk.setFilter(TreeFilter.ANY_DIFF);
      while (walk.next()) {
        out.add(walk.getPathString());
      }
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(where, null, "cannot compare commits "
          + from.abbreviate(12).name() + " and " + to.abbreviate(12).name() + ": " + GitLocation.mask(e.getMessage())));
    }
    return out;
  }
}
