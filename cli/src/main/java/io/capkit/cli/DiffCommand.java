package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.gitops.diff.FleetDiff;
import io.capkit.gitops.diff.FleetRenderer;
import io.capkit.gitops.diff.IncrementalDiff;
import io.capkit.gitops.git.GitLocation;
import io.capkit.gitops.git.GitRepositories;
import io.capkit.gitops.git.GitSourceTree;
import io.capkit.gitops.git.FleetLayout;
import io.capkit.gitops.git.TreeChanges;
import java.io.PrintWriter;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code capkit diff}: renders two commits of a fleet repository and prints what changed, object by object. */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Render two commits of a fleet repository and show the changed objects per cluster.",
        "Reads commits straight from Git (no checkout). Exit 0, or 1 on invalid input;"
            + " with --exit-code also 1 when something changed."})
public final class DiffCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "REF", description = "Old commit, branch or tag.")
  String from;

  @Option(names = "--to", defaultValue = "HEAD", paramLabel = "REF", description = "New commit (default: HEAD).")
  String to;

  @Option(names = "--git", defaultValue = ".", paramLabel = "URL|PATH",
      description = "Fleet repository: a local clone, or a file://, http(s):// or ssh:// URL (default: .).")
  String git;

  @Mixin
  FleetLayoutOptions layout;

  @Option(names = "--exit-code", description = "Exit with 1 when there are differences, like git diff.")
  boolean exitCode;

  @Spec
  CommandSpec spec;

  private final FleetRenderer renderer;
  private final GitRepositories repositories;

  public DiffCommand(FleetRenderer renderer) {
    this(renderer, null);
  }

  /** {@code repositories} null means: from the environment (cache folder, credentials). */
  public DiffCommand(FleetRenderer renderer, GitRepositories repositories) {
    this.renderer = renderer;
    this.repositories = repositories;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String where = GitLocation.parse(git).masked();
    // The renderer's start-up runs beside opening and reading the repository.
    renderer.warmUp();
    GitRepositories repos = repositories != null ? repositories : GitRepositories.fromEnvironment();
    try (Repository repo = repos.open(git);
        GitSourceTree.Pair trees = GitSourceTree.at(repo, from, to, where)) {
      GitSourceTree before = trees.before();
      GitSourceTree after = trees.after();
      // Only clusters whose inputs differ between the two trees are rendered (see IncrementalDiff).
      SortedSet<String> changed = TreeChanges.between(repo, before.commit(), after.commit(), where);
      FleetLayout l = layout.layout();
      FleetDiff diff = IncrementalDiff.between(renderer, l.fleet(before), l.releases(before), l.fleet(after),
          l.releases(after), l.fleetPaths(changed), l.releases(before).inside(changed)).diff();
      out.print(diff.format());
      out.flush();
      return exitCode && !diff.isEmpty() ? 1 : 0;
    } catch (InvalidInputException e) {
      return FleetLayoutOptions.report(e, err);
    }
  }
}
