package io.capkit.gitops.git;

import io.capkit.api.source.SourceTree;
import io.capkit.gitops.diff.SelectedTree;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where the fleet and the releases sit in a repository. The releases folder may lie inside the fleet folder
 * (the default: fleet at the root, releases in {@code releases/}); it is then not part of the fleet.
 */
public record FleetLayout(String fleetPath, String releasesPath) {
  public SourceTree fleet(SourceTree repository) {
    SubTree fleet = new SubTree(repository, fleetPath);
    String nested = nestedReleases();
    return nested == null ? fleet : new SelectedTree(fleet, p -> !p.startsWith(nested));
  }

  public SubTree releases(SourceTree repository) {
    return new SubTree(repository, releasesPath);
  }

  /** The repository paths that are fleet files, relative to the fleet folder. */
  public SortedSet<String> fleetPaths(Collection<String> repositoryPaths) {
    String prefix = SubTree.prefixOf(fleetPath);
    String nested = nestedReleases();
    SortedSet<String> out = new TreeSet<>();
    for (String p : repositoryPaths) {
      if (p.startsWith(prefix) && (nested == null || !p.startsWith(prefix + nested))) {
        out.add(p.substring(prefix.length()));
      }
    }
    return out;
  }

  // The releases folder relative to the fleet folder when it lies inside it, else null.
  private String nestedReleases() {
    String fleet = SubTree.prefixOf(fleetPath);
    String releases = SubTree.prefixOf(releasesPath);
    return releases.startsWith(fleet) && releases.length() > fleet.length() ? releases.substring(fleet.length())
        : null;
  }
}
