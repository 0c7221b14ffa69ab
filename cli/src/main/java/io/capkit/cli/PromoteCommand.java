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
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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

  /**
   * {@code promote} given only its options, each once, as {@code --name VALUE} or {@code --name=VALUE} with plain values
   * (the form scripts and CI use): the command with the fields picocli would set, or null, and then picocli parses the
   * arguments (help, a missing or repeated option, a deprecated spelling, an {@code @file}, a value that looks like an
   * option or does not convert). picocli is compiled for Java 5, so the AOT cache cannot hold its classes, and building
   * capkit's command tree by reflection cost a promote run ~0.1 s of CPU on its main thread (docs/gitops.md,
   * "Performance"). {@code renderer} is made only when the arguments qualify.
   */
  static PromoteCommand withoutPicocli(Supplier<FleetRenderer> renderer, String... args) {
    if (args.length < 3 || !"promote".equals(args[0])) {
      return null;
    }
    Map<String, String> given = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String name = eq > 0 ? arg.substring(0, eq) : arg;
      if (!QUICK_OPTIONS.contains(name)) {
        return null;
      }
      String value = eq > 0 ? arg.substring(eq + 1) : ++i < args.length ? args[i] : null;
      if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")
          || given.put(name, value) != null) {
        return null;
      }
    }
    if (!given.containsKey("--release") || !given.containsKey("--select")) {
      return null;
    }
    PromoteCommand c = new PromoteCommand(renderer.get());
    try {
      c.git = Path.of(given.getOrDefault("--git", "."));
      c.forgeUrl = given.containsKey("--forge-url") ? new URI(given.get("--forge-url")) : null;
    } catch (URISyntaxException | InvalidPathException e) {
      return null; // picocli says why, its own way
    }
    c.release = given.get("--release");
    c.select = given.get("--select");
    c.base = given.getOrDefault("--base", "main");
    c.remote = given.getOrDefault("--remote", "origin");
    c.forgeRepo = given.get("--repo");
    c.forgeKind = given.getOrDefault("--forge", "github");
    c.layout = new FleetLayoutOptions();
    c.layout.fleetPath = given.getOrDefault("--fleet", "");
    c.layout.releasesPath = given.getOrDefault("--releases", "releases");
    return c;
  }

  /** The options {@link #withoutPicocli} reads; any other argument goes to picocli. */
  static final Set<String> QUICK_OPTIONS = Set.of("--release", "--select", "--git", "--base", "--remote",
      "--forge-url", "--repo", "--forge", "--fleet", "--releases");

  @Override
  public Integer call() {
    return call(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The command, writing to {@code out} and {@code err}; its exit code. */
  Integer call(PrintWriter out, PrintWriter err) {
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
