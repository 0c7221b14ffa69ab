package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.gitops.git.GitLocation;
import io.capkit.gitops.git.FleetLayout;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** Where the fleet and the releases sit inside a repository; shared by the Git commands as a picocli mixin. */
public final class FleetLayoutOptions {
  @Option(names = "--fleet-path", defaultValue = "", paramLabel = "DIR",
      description = "Folder of the fleet layout inside the repository (default: the root).")
  String fleetPath = "";

  @Option(names = "--releases-path", defaultValue = "releases", paramLabel = "DIR",
      description = "Folder of the Release files inside the repository (default: releases).")
  String releasesPath = "releases";

  public String fleetPath() {
    return fleetPath;
  }

  public String releasesPath() {
    return releasesPath;
  }

  public FleetLayout layout() {
    return new FleetLayout(fleetPath, releasesPath);
  }

  /** Prints each problem as {@code file: path: problem} with credentials masked; returns exit code 1. */
  static int report(InvalidInputException e, PrintWriter err) {
    e.problems().stream().map(Problem::format).map(GitLocation::mask).forEach(err::println);
    err.flush();
    return 1;
  }
}
