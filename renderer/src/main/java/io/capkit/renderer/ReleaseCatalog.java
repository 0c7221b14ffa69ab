package io.capkit.renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.KubernetesVersion;
import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.release.ChartSource;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseApp;
import io.capkit.api.release.ReleaseComponent;
import io.capkit.api.release.ReleaseSpec;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The releases folder: {@code <vX.Y.Z>/release.yaml} with an optional {@code <vX.Y.Z>/CHANGELOG.md}, and
 * Markdown files at the top. Every release is checked when the catalog is read, not when a cluster uses it.
 */
public final class ReleaseCatalog {
  public static final String RELEASE_FILE = "release.yaml";
  public static final String CHANGELOG_FILE = "CHANGELOG.md";
  private static final Pattern NAME = Pattern.compile("v(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)");
  private static final Pattern REPOSITORY = Pattern.compile("(https?|oci)://[^\\s/]+(/\\S*)?");
  /** Which contract a cluster-api-core version follows; releases on none are refused. */
  private static final CompatibilityMatrix MATRIX = CompatibilityMatrix.standard();

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
    for (String part : path.split("/")) {
      if (part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Checks a Release read from anywhere (the catalog, {@code capkit validate}); problems go to {@code problems}. */
  public static ReleaseInfo check(Release release, String file, List<Problem> problems) {
    int before = problems.size();
    String name = release.getMetadata().getName();
    if (name == null || !NAME.matcher(name).matches()) {
      problems.add(new Problem(file, "metadata.name", "\"" + name + "\" is not a release name vX.Y.Z"));
    }
    if (release.getMetadata().getNamespace() != null) {
      problems.add(new Problem(file, "metadata.namespace", "must not be set: Release is cluster-scoped"));
    }
    ReleaseSpec spec = release.getSpec();
    if (spec == null) {
      problems.add(new Problem(file, "spec", "is required"));
      return null;
    }
    if (spec.getState() == null) {
      problems.add(new Problem(file, "spec.state", "is required (wip, preview, active or deprecated)"));
    }
    if (spec.getDate() == null) {
      problems.add(new Problem(file, "spec.date", "is required (RFC 3339, e.g. 2025-10-01T00:00:00Z)"));
    } else {
      try {
        OffsetDateTime.parse(spec.getDate());
      } catch (DateTimeParseException e) {
        problems.add(new Problem(file, "spec.date", "\"" + spec.getDate() + "\" is not an RFC 3339 date-time"));
      }
    }
    Map<String, String> components = new TreeMap<>();
    List<ReleaseComponent> list = spec.getComponents() == null ? List.of() : spec.getComponents();
    for (int i = 0; i < list.size(); i++) {
      ReleaseComponent c = list.get(i);
      String at = "spec.components[" + i + "]";
      if (c.getName() == null || c.getVersion() == null) {
        problems.add(new Problem(file, at, "needs name and version"));
      } else if (components.putIfAbsent(c.getName(), c.getVersion()) != null) {
        problems.add(new Problem(file, at + ".name", "component " + c.getName() + " is listed twice"));
      } else if (!KubernetesVersion.isValid(c.getVersion())) {
        problems.add(new Problem(file, at + ".version", "\"" + c.getVersion() + "\" is not a semantic version"));
      }
    }
    String kubernetes = spec.component(Release.KUBERNETES).orElse(null);
    if (kubernetes == null) {
      problems.add(new Problem(file, "spec.components", "must list the kubernetes component"));
    }
    Optional<String> capi = spec.component(Release.CAPI_CORE);
    if (capi.isEmpty()) {
      problems.add(new Problem(file, "spec.components", "must list the " + Release.CAPI_CORE + " component"));
    } else if (KubernetesVersion.isValid(capi.get()) && MATRIX.contractFor(capi.get()).isEmpty()) {
      problems.add(new Problem(file, "spec.components", Release.CAPI_CORE + " " + capi.get()
          + " follows no CAPI contract capkit renders (" + MATRIX.contractRanges().stream()
          .map(r -> r.name() + " from " + r.from()).reduce((a, b) -> a + ", " + b).orElse("") + ")"));
    }
    List<ReleaseInfo.AppChart> apps = new ArrayList<>();
    Set<String> appNames = new HashSet<>();
    List<ReleaseApp> appList = spec.getApps() == null ? List.of() : spec.getApps();
    for (int i = 0; i < appList.size(); i++) {
      ReleaseApp a = appList.get(i);
      String at = "spec.apps[" + i + "]";
      Optional<String> bad = Names.checkLabel(a.getName());
      if (bad.isPresent()) {
        problems.add(new Problem(file, at + ".name", bad.get()));
        continue;
      }
      if (!appNames.add(a.getName())) {
        problems.add(new Problem(file, at + ".name", "app " + a.getName() + " is listed twice"));
      }
      if (a.getVersion() == null || a.getVersion().isBlank()) {
        problems.add(new Problem(file, at + ".version", "is required (the chart version)"));
      }
      ChartSource chart = a.getChart();
      if (chart == null || chart.getRepository() == null) {
        problems.add(new Problem(file, at + ".chart.repository", "is required (https:// or oci:// URL)"));
        continue;
      }
      if (!REPOSITORY.matcher(chart.getRepository()).matches()) {
        problems.add(new Problem(file, at + ".chart.repository", "\"" + chart.getRepository()
            + "\" is not an https:// or oci:// URL"));
        continue;
      }
      String url = chart.getRepository();
      apps.add(new ReleaseInfo.AppChart(a.getName(), chart.getName() == null ? a.getName() : chart.getName(),
          a.getVersion(), url, HelmRepositoryName.of(url), url.startsWith("oci://") ? "oci" : "default"));
    }
    if (problems.size() > before || kubernetes == null) {
      return null;
    }
    return new ReleaseInfo(name, file, spec.getState(), KubernetesVersion.parse(kubernetes).toString(),
        Map.copyOf(components), List.copyOf(apps));
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
