package io.capkit.cli;

import io.capkit.gitops.git.GitLocation;
import io.capkit.gitops.git.GitRepositories;
import io.capkit.gitops.git.GitSourceTree;
import java.util.function.BiFunction;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --git URL|PATH --ref REF}: read input from one commit instead of the file system. A picocli mixin. */
final class GitRef {
  @Option(names = "--git", paramLabel = "URL|PATH",
      description = "Read from this Git repository: a local clone, or a file://, http(s):// or ssh:// URL"
          + " (credentials from the usual places; never printed).")
  String git;

  @Option(names = "--ref", paramLabel = "REF", description = "With --git: the branch, tag or commit (default: HEAD).")
  String ref;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  boolean given() {
    if (git == null && ref != null) {
      throw UsageError.of(spec, "--ref needs --git");
    }
    return git != null;
  }

  /** Runs {@code use} on the commit's tree and a label such as {@code URL@REF:}; Git stays open until it returns. */
  <T> T read(BiFunction<GitSourceTree, String, T> use) {
    String where = GitLocation.parse(git).masked();
    String at = ref == null ? "HEAD" : ref;
    try (Repository repo = GitRepositories.fromEnvironment().open(git);
        GitSourceTree tree = GitSourceTree.at(repo, at, where)) {
      return use.apply(tree, where + "@" + at + ":");
    }
  }
}
