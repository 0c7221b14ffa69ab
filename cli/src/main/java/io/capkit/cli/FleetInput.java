package io.capkit.cli;

import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.gitops.git.FleetLayout;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * Where a command reads the fleet and the releases: two folders, or, with {@code --git}, two folders inside one
 * commit of a Git repository (read from the object database, no checkout). A picocli mixin.
 */
final class FleetInput {
  @Option(names = "--fleet", paramLabel = "DIR",
      description = "The fleet folder; with --git a folder inside the repository (default there: its root).")
  String fleet;

  @Option(names = "--releases", paramLabel = "DIR",
      description = "The releases folder; with --git a folder inside the repository (default there: releases).")
  String releases;

  @Mixin
  GitRef source;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** The fleet and releases as source trees, with the labels problems name them by. */
  record Trees(SourceTree fleet, String fleetLabel, SourceTree releases, String releasesLabel) {}

  /** Runs {@code use} on the trees; Git objects stay open until it returns. */
  <T> T with(Function<Trees, T> use) {
    if (!source.given()) {
      if (fleet == null || releases == null) {
        throw UsageError.of(spec, "Missing required option: '"
            + (fleet == null ? "--fleet" : "--releases") + "=DIR' (or read both from a commit with --git)");
      }
      return use.apply(new Trees(DirectoryTree.open(Path.of(fleet)), fleet, DirectoryTree.open(Path.of(releases)),
          releases));
    }
    FleetLayout layout = new FleetLayout(fleet == null ? "" : fleet, releases == null ? "releases" : releases);
    return source.read((tree, label) -> use.apply(new Trees(layout.fleet(tree), label + layout.fleetPath(),
        layout.releases(tree), label + layout.releasesPath())));
  }
}
