package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.gitops.diff.FleetRenderer;
import io.capkit.gitops.forge.Forge;
import io.capkit.gitops.forge.ForgeKind;
import io.capkit.gitops.git.GitCredentials;
import io.capkit.gitops.git.GitRepositories;
import io.capkit.gitops.promote.ClusterSelector;
import io.capkit.gitops.promote.Promoter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code capkit promote}: moves selected workload clusters to a release through a pull request. */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Set spec.release of the selected WorkloadCluster files (in place, comments kept), commit on",
        "branch capkit/promote-<release>-<hash>, push it and open or update the pull request.",
        "Running it again updates the same branch and pull request. Exit 0, or 1 on any fault."})
public final class PromoteCommand implements Callable<Integer> {
  @Option(names = "--release", required = true, paramLabel = "vX.Y.Z", description = "Target release.")
  String release;

  @Option(names = "--select", required = true, paramLabel = "EXPR",
      description = "Clusters, terms joined by ',' (all must hold): mc=NAME, org=NAME, name=GLOB, "
          + "label:KEY=VALUE, release=vX.Y.Z.")
  String select;

  @Option(names = "--git", defaultValue = ".", paramLabel = "PATH", description = "Local clone (default: .).")
  Path git;

  @Option(names = "--base", defaultValue = "main", paramLabel = "BRANCH", description = "Base branch (default: main).")
  String base;

  @Option(names = "--remote", defaultValue = "origin", paramLabel = "NAME", description = "Remote (default: origin).")
  String remote;

  @Option(names = "--forge-url", paramLabel = "URL",
      description = "Forge API, e.g. https://api.github.com, https://gitea.example/api/v1 or "
          + "https://gitlab.example/api/v4. Without it, only the branch is pushed. Token from CAPKIT_FORGE_TOKEN, "
          + "else GITHUB_TOKEN (GITLAB_TOKEN for gitlab).")
  URI forgeUrl;

  @Option(names = "--repo", paramLabel = "OWNER/NAME", description = "Repository on the forge (GitLab: GROUP/NAME, "
      + "subgroups allowed).")
  String forgeRepo;

  @Option(names = "--forge", defaultValue = "github", paramLabel = "KIND", description = "github (default), gitea or gitlab.")
  String forgeKind;

  @Mixin
  FleetLayoutOptions layout;

  @Spec
  CommandSpec spec;

  private final FleetRenderer renderer;
  private final Map<String, String> env;
  private final GitCredentials credentials;

  public PromoteCommand(FleetRenderer renderer) {
    this(renderer, System.getenv(), GitRepositories.fromEnvironment().credentials());
  }

  public PromoteCommand(FleetRenderer renderer, Map<String, String> env, GitCredentials credentials) {
    this.renderer = renderer;
    this.env = Map.copyOf(env);
    this.credentials = credentials;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ClusterSelector selector = ClusterSelector.parse(select);
      Forge forge = null;
      if (forgeUrl != null || forgeRepo != null) {
        if (forgeUrl == null || forgeRepo == null) {
          throw new InvalidInputException(Problem.at("--forge-url", "--forge-url and --repo go together"));
        }
        forge = ForgeKind.parse(forgeKind).connect(forgeUrl, forgeRepo, env);
      }
      try (Repository repo = GitRepositories.openLocal(git, git.toString())) {
        Promoter.Result r = new Promoter(credentials, renderer, forge, err).promote(repo,
            new Promoter.Options(release, selector, base, remote, layout.fleetPath(), layout.releasesPath()));
        switch (r.outcome()) {
          case NOTHING_TO_DO -> out.println("nothing to promote: every selected cluster already runs " + release);
          case UNCHANGED -> out.println("branch " + r.branch() + " is up to date");
          case CREATED -> out.println("pushed branch " + r.branch());
          case UPDATED -> out.println("updated branch " + r.branch() + " on the current " + base);
        }
        if (r.outcome() != Promoter.Outcome.NOTHING_TO_DO) {
          out.println(r.plan().title() + "; rendered: " + r.diffSummary());
        }
        r.pullRequest().ifPresent(pr -> out.println("pull request #" + pr.number() + " " + pr.url()));
        out.flush();
        return 0;
      }
    } catch (InvalidInputException e) {
      return FleetLayoutOptions.report(e, err);
    }
  }
}
