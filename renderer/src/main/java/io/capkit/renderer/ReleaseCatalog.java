package io.capkit.renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.release.ChartSource;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseApp;
import io.capkit.api.release.ReleaseRules;
import io.capkit.api.release.ReleaseSpec;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The releases folder: {@code <vX.Y.Z>/release.yaml} with an optional {@code <vX.Y.Z>/CHANGELOG.md}, and
 * Markdown files at the top. Every release is checked when the catalog is read, not when a cluster uses it.
 */
public final class ReleaseCatalog {
  public static final String RELEASE_FILE = "release.yaml";
  public static final String CHANGELOG_FILE = "CHANGELOG.md";

  private final Map<String, ReleaseInfo> releases;

  private ReleaseCatalog(Map<String, ReleaseInfo> releases) {
    this.releases = releases;
  }

  /** Reads and checks every release; {@code label} prefixes file names in problems. */
  public static ReleaseCatalog read(SourceTree tree, String label) {
    List<Problem> problems = new ArrayList<>();
    Map<String, ReleaseInfo> out = new TreeMap<>();
    for (String path : tree.files()) {
      if (hidden(path)) {
        continue;
      }
      String file = FleetReader.label(label, path);
      String[] parts = path.split("/");
      if (parts.length == 1 && path.endsWith(".md")) {
        continue;
      }
      if (parts.length == 2 && parts[1].equals(CHANGELOG_FILE)) {
        continue;
      }
      if (parts.length != 2 || !parts[1].equals(RELEASE_FILE)) {
        problems.add(new Problem(file, null, "is outside the releases layout (<vX.Y.Z>/" + RELEASE_FILE + ", <vX.Y.Z>/"
            + CHANGELOG_FILE + ")"));
        continue;
      }
      try {
        ReleaseInfo info = readOne(parts[0], file, tree.read(path).orElseThrow(), problems);
        if (info != null) {
          out.put(info.name(), info);
        }
      } catch (InvalidInputException e) {
        problems.addAll(e.problems());
      }
    }
    InvalidInputException.throwIfAny(problems);
    return new ReleaseCatalog(out);
  }

  public Optional<ReleaseInfo> find(String name) {
    return Optional.ofNullable(releases.get(name));
  }

  /** Release names, sorted. */
  public List<String> names() {
    return List.copyOf(releases.keySet());
  }

  public List<ReleaseInfo> all() {
    return List.copyOf(releases.values());
  }

  static boolean hidden(String path) {
    return hidden(path.split("/"));
  }

  /** Whether any segment of a path (split at '/') is hidden. */
  static boolean hidden(String[] parts) {
    for (String part : parts) {
      if (part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** The Release objects by name, sorted: what {@code capkit promote} checks moves between. */
  public SortedMap<String, Release> releases() {
    SortedMap<String, Release> out = new TreeMap<>();
    releases.forEach((name, info) -> out.put(name, info.release()));
    return out;
  }

  /**
   * Checks a Release read from anywhere (the catalog, {@code capkit validate}) by {@link ReleaseRules#validate};
   * problems go to {@code problems} under {@code file}. Returns what clusters on it need, or null when it is invalid.
   */
  public static ReleaseInfo check(Release release, String file, List<Problem> problems) {
    List<Problem> found = ReleaseRules.validate(release);
    found.forEach(p -> problems.add(p.inFile(file)));
    if (!found.isEmpty()) {
      return null;
    }
    ReleaseSpec spec = release.getSpec();
    Map<String, String> components = new TreeMap<>();
    spec.getComponents().forEach(c -> components.put(c.getName(), c.getVersion()));
    List<ReleaseInfo.AppChart> apps = new ArrayList<>();
    for (ReleaseApp a : spec.getApps() == null ? List.<ReleaseApp>of() : spec.getApps()) {
      ChartSource chart = a.getChart();
      String url = chart.getRepository();
      apps.add(new ReleaseInfo.AppChart(a.getName(), chart.getName() == null ? a.getName() : chart.getName(),
          a.getVersion(), url, HelmRepositoryName.of(url), url.startsWith("oci://") ? "oci" : "default"));
    }
    return new ReleaseInfo(release.getMetadata().getName(), file, spec.getState(),
        ReleaseRules.kubernetesVersion(release).orElseThrow().toString(), Map.copyOf(components), List.copyOf(apps),
        release);
  }

  private static ReleaseInfo readOne(String folder, String file, byte[] bytes, List<Problem> problems) {
    Map<String, Object> tree = YamlDocuments.loadOne(file, bytes);
    Release release = StrictReader.read(file, tree, Release.class, Release.API_VERSION, "Release");
    if (!folder.equals(release.getMetadata().getName())) {
      problems.add(new Problem(file, "metadata.name", "\"" + release.getMetadata().getName()
          + "\" must equal its folder name " + folder));
      return null;
    }
    return check(release, file, problems);
  }
}
