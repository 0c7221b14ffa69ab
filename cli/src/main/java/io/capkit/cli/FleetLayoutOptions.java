package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.gitops.git.GitLocation;
import io.capkit.gitops.git.FleetLayout;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the fleet and the releases sit inside a repository; shared by the Git commands as a picocli mixin. The options
 * are spelled as render's ({@code --fleet}, {@code --releases}); {@code --fleet-path} and {@code --releases-path} are
 * deprecated aliases that still work and say so on stderr.
 */
public final class FleetLayoutOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--fleet", defaultValue = "", paramLabel = "DIR",
      description = "Folder of the fleet layout inside the repository (default: the root).")
  String fleetPath = "";

  @Option(names = "--releases", defaultValue = "releases", paramLabel = "DIR",
      description = "Folder of the Release files inside the repository (default: releases).")
  String releasesPath = "releases";

  @Option(names = "--fleet-path", hidden = true, paramLabel = "DIR", description = "Deprecated: use --fleet.")
  void deprecatedFleetPath(String dir) {
    deprecated("--fleet-path", "--fleet");
    fleetPath = dir;
  }

  @Option(names = "--releases-path", hidden = true, paramLabel = "DIR", description = "Deprecated: use --releases.")
  void deprecatedReleasesPath(String dir) {
    deprecated("--releases-path", "--releases");
    releasesPath = dir;
  }

  private void deprecated(String old, String now) {
    PrintWriter err = mixee.commandLine().getErr();
    err.println("warning: " + old + " is deprecated; use " + now + " (the spelling render uses)");
    err.flush();
  }

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
