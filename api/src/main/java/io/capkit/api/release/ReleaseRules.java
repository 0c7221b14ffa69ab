package io.capkit.api.release;

import com.fasterxml.jackson.databind.JsonNode;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.KubernetesVersion;
import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.yaml.JsonTrees;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for Release objects and for clusters that use a release. Pure functions shared by the renderer and
 * the admission webhook; every problem carries the full field path of the object it was given.
 */
public final class ReleaseRules {
  /** Release names are plain semantic versions with a leading {@code v}: {@code v1.2.3}. */
  private static final Pattern NAME = Pattern.compile("v(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})");
  /** Compiled at the first {@link #isChartRepository} (release files), not with the name rule a cluster uses. */
  private static final class ChartRepository {
    static final Pattern CHART_REPOSITORY = Pattern.compile("(https|oci)://[^\\s/?#@]+(/\\S*)?");

    private ChartRepository() {}
  }
  /** Which contract a cluster-api-core version follows; releases on none are refused. */
  private static final CompatibilityMatrix MATRIX = CompatibilityMatrix.standard();
  /** Forward moves along wip → preview → active → deprecated; deprecated → active undoes a deprecation. */
  private static final Map<ReleaseState, Set<ReleaseState>> TRANSITIONS = Map.of(
      ReleaseState.WIP, Set.of(ReleaseState.WIP, ReleaseState.PREVIEW, ReleaseState.ACTIVE),
      ReleaseState.PREVIEW, Set.of(ReleaseState.PREVIEW, ReleaseState.ACTIVE, ReleaseState.DEPRECATED),
      ReleaseState.ACTIVE, Set.of(ReleaseState.ACTIVE, ReleaseState.DEPRECATED),
      ReleaseState.DEPRECATED, Set.of(ReleaseState.DEPRECATED, ReleaseState.ACTIVE));

  private ReleaseRules() {}

  /** True when {@code name} has the form {@code vX.Y.Z}. */
  public static boolean isReleaseName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Checks one Release on its own, the one Release rule every entry point applies (renderer, {@code capkit validate},
   * webhook, promote): name {@code vX.Y.Z}, cluster-scoped, components (kubernetes and cluster-api-core required,
   * every version semantic, a cluster-api-core on a contract capkit renders), date, state, and apps whose charts
   * come from https:// or oci:// repositories.
   */
  public static List<Problem> validate(Release release) {
    List<Problem> problems = new ArrayList<>();
    String name = release.getMetadata() == null ? null : release.getMetadata().getName();
    if (!isReleaseName(name)) {
      problems.add(Problem.at("metadata.name", name == null || name.isEmpty() ? "is required"
          : "\"" + name + "\" is not a release name (vX.Y.Z, e.g. v29.1.0)"));
    }
    if (release.getMetadata() != null && release.getMetadata().getNamespace() != null) {
      problems.add(Problem.at("metadata.namespace", "must not be set: Release is cluster-scoped"));
    }
    ReleaseSpec spec = release.getSpec();
    if (spec == null) {
      problems.add(Problem.at("spec", "is required"));
      return sorted(problems);
    }
    components(spec.getComponents(), problems);
    if (spec.getDate() == null || spec.getDate().isEmpty()) {
      problems.add(Problem.at("spec.date", "is required (RFC 3339, e.g. 2025-10-01T00:00:00Z)"));
    } else {
      try {
        OffsetDateTime.parse(spec.getDate());
      } catch (DateTimeParseException e) {
        problems.add(Problem.at("spec.date", "\"" + spec.getDate() + "\" is not an RFC 3339 date-time "
            + "(e.g. 2025-06-01T00:00:00Z)"));
      }
    }
    if (spec.getState() == null) {
      problems.add(Problem.at("spec.state", "is required (wip, preview, active or deprecated)"));
    }
    apps(spec.getApps(), problems);
    return sorted(problems);
  }

  private static void components(List<ReleaseComponent> components, List<Problem> problems) {
    if (components == null || components.isEmpty()) {
      problems.add(Problem.at("spec.components", "is required and must list the \"" + Release.KUBERNETES
          + "\" and \"" + Release.CAPI_CORE + "\" components"));
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < components.size(); i++) {
      ReleaseComponent c = components.get(i);
      String at = "spec.components[" + i + "]";
      if (c == null) {
        problems.add(Problem.at(at, "must be an object with name and version"));
        continue;
      }
      if (c.getName() == null || c.getName().isEmpty()) {
        problems.add(Problem.at(at + ".name", "is required"));
      } else if (!seen.add(c.getName())) {
        problems.add(Problem.at(at + ".name", "\"" + c.getName() + "\" is listed twice"));
      }
      if (c.getVersion() == null || c.getVersion().isEmpty()) {
        problems.add(Problem.at(at + ".version", "is required"));
      } else if (!KubernetesVersion.isValid(c.getVersion())) {
        problems.add(Problem.at(at + ".version", "\"" + c.getVersion()
            + "\" is not a semantic version (e.g. v1.33.4)"));
      } else if (Release.CAPI_CORE.equals(c.getName()) && MATRIX.contractFor(c.getVersion()).isEmpty()) {
        problems.add(Problem.at(at + ".version", Release.CAPI_CORE + " " + c.getVersion()
            + " follows no CAPI contract capkit renders (" + MATRIX.contractRanges().stream()
            .map(r -> r.name() + " from " + r.from()).reduce((a, b) -> a + ", " + b).orElse("") + ")"));
      }
    }
    for (String required : List.of(Release.KUBERNETES, Release.CAPI_CORE)) {
      if (!seen.contains(required)) {
        problems.add(Problem.at("spec.components", "must list the \"" + required + "\" component"));
      }
    }
  }

  private static void apps(List<ReleaseApp> list, List<Problem> problems) {
    List<ReleaseApp> apps = list == null ? List.of() : list;
    Set<String> appNames = new HashSet<>();
    for (int i = 0; i < apps.size(); i++) {
      ReleaseApp a = apps.get(i);
      String at = "spec.apps[" + i + "]";
      if (a == null) {
        problems.add(Problem.at(at, "must be an object with name, version and chart"));
        continue;
      }
      // The app name names the HelmRelease objects the renderer writes.
      Optional<String> badName = Names.checkLabel(a.getName());
      if (badName.isPresent()) {
        problems.add(Problem.at(at + ".name", badName.get()));
      } else if (!appNames.add(a.getName())) {
        problems.add(Problem.at(at + ".name", "\"" + a.getName() + "\" is listed twice"));
      }
      if (a.getVersion() == null || a.getVersion().isBlank()) {
        problems.add(Problem.at(at + ".version", "is required (the chart version)"));
      }
      String repo = a.getChart() == null ? null : a.getChart().getRepository();
      if (repo == null || repo.isEmpty()) {
        problems.add(Problem.at(at + ".chart.repository", "is required (an https:// or oci:// URL)"));
      } else if (!isChartRepository(repo)) {
        problems.add(Problem.at(at + ".chart.repository", "\"" + repo + "\" is not an https:// or oci:// URL"));
      }
    }
  }

  /** True for an {@code https://} or {@code oci://} URL with a host: charts are never fetched in clear text. */
  public static boolean isChartRepository(String url) {
    return url != null && ChartRepository.CHART_REPOSITORY.matcher(url).matches();
  }

  /**
   * Checks an update of a Release: the new object on its own, the state transition, and that the spec (apart from
   * the state) stays as it was once the release has been active.
   */
  public static List<Problem> validateUpdate(Release old, Release updated) {
    List<Problem> problems = new ArrayList<>(validate(updated));
    ReleaseState from = old.getSpec() == null ? null : old.getSpec().getState();
    ReleaseState to = updated.getSpec() == null ? null : updated.getSpec().getState();
    if (from != null && to != null && !TRANSITIONS.get(from).contains(to)) {
      problems.add(Problem.at("spec.state", "cannot change from " + from.wireName() + " to " + to.wireName()
          + " (allowed: wip → preview → active → deprecated, and deprecated → active)"));
    }
    if ((from == ReleaseState.ACTIVE || from == ReleaseState.DEPRECATED) && updated.getSpec() != null) {
      JsonNode before = JsonTrees.mapper().valueToTree(old.getSpec());
      JsonNode after = JsonTrees.mapper().valueToTree(updated.getSpec());
      Set<String> fields = new java.util.TreeSet<>();
      before.fieldNames().forEachRemaining(fields::add);
      after.fieldNames().forEachRemaining(fields::add);
      fields.remove("state");
      for (String f : fields) {
        if (!before.path(f).equals(after.path(f))) {
          problems.add(Problem.at("spec." + f, "is immutable once the release has been active; "
              + "publish a new release instead"));
        }
      }
    }
    return sorted(problems);
  }

  /** The Kubernetes version a release ships, if it lists a valid one. */
  public static Optional<KubernetesVersion> kubernetesVersion(Release release) {
    return release.getSpec() == null ? Optional.empty() : release.getSpec().component(Release.KUBERNETES)
        .filter(KubernetesVersion::isValid).map(KubernetesVersion::parse);
  }

  /**
   * Checks that a new cluster may start on {@code release}: wip releases are not for clusters, deprecated ones
   * take no new clusters. {@code path} is where the cluster names the release.
   */
  public static List<Problem> checkNewCluster(Release release, String path) {
    ReleaseState state = release.getSpec() == null ? null : release.getSpec().getState();
    String name = release.getMetadata() == null ? "?" : release.getMetadata().getName();
    if (state == ReleaseState.WIP) {
      return checkNotWip(release, path);
    }
    if (state == ReleaseState.DEPRECATED) {
      return List.of(Problem.at(path, "release " + name + " is deprecated; new clusters must use an active "
          + "or preview release"));
    }
    return List.of();
  }

  /** Checks that a cluster moving to {@code release} (named at {@code path}) does not pick a wip one. */
  public static List<Problem> checkNotWip(Release release, String path) {
    if (release.getSpec() == null || release.getSpec().getState() != ReleaseState.WIP) {
      return List.of();
    }
    String name = release.getMetadata() == null ? "?" : release.getMetadata().getName();
    return List.of(Problem.at(path, "release " + name + " is wip and may not be used by clusters yet"));
  }

  /** A warning for a cluster that keeps using a deprecated release, if it is one. */
  public static Optional<String> deprecationWarning(Release release) {
    if (release.getSpec() != null && release.getSpec().getState() == ReleaseState.DEPRECATED) {
      return Optional.of("release " + release.getMetadata().getName()
          + " is deprecated; plan an upgrade to an active release");
    }
    return Optional.empty();
  }

  /** Checks that a cluster's Kubernetes version {@code version} (at {@code path}) is the release's one. */
  public static List<Problem> checkKubernetesVersion(Release release, String version, String path) {
    Optional<KubernetesVersion> wanted = kubernetesVersion(release);
    if (wanted.isEmpty()) {
      return List.of(Problem.at(path, "release " + release.getMetadata().getName()
          + " lists no valid kubernetes component version"));
    }
    if (!KubernetesVersion.isValid(version)) {
      return List.of(Problem.at(path, "\"" + version + "\" is not a semantic version (e.g. v1.33.4)"));
    }
    if (KubernetesVersion.parse(version).compareTo(wanted.get()) != 0) {
      return List.of(Problem.at(path, version + " does not match release " + release.getMetadata().getName()
          + ", which ships Kubernetes " + wanted.get()));
    }
    return List.of();
  }

  /**
   * Checks a move from Kubernetes version {@code from} to {@code to} ({@code path} names the field that changed):
   * no downgrade, no skipped minor version, no major version change.
   */
  public static List<Problem> checkUpgrade(KubernetesVersion from, KubernetesVersion to, String path) {
    if (from.major() != to.major()) {
      return List.of(Problem.at(path, "cannot move Kubernetes from " + from + " to " + to
          + ": major version changes are not supported"));
    }
    if (to.compareTo(from) < 0) {
      return List.of(Problem.at(path, "cannot downgrade Kubernetes from " + from + " to " + to));
    }
    int minors = to.minor() - from.minor();
    if (minors > 1) {
      return List.of(Problem.at(path, "cannot upgrade Kubernetes from " + from + " to " + to + ": skips "
          + (minors - 1) + " minor version(s); upgrade one minor version at a time"));
    }
    return List.of();
  }

  /**
   * The one rule for moving a workload cluster from release {@code from} to release {@code to} (the webhook on a
   * WorkloadCluster update, {@code capkit promote}): the target is not deprecated, is not an older release, and
   * moves Kubernetes by {@link #checkUpgrade}. A wip target is refused for any use by {@link #checkNotWip}, which both
   * callers apply as well. Problems are reported at {@code path}.
   */
  public static List<Problem> checkMove(Release from, Release to, String path) {
    List<Problem> problems = new ArrayList<>();
    String fromName = from.getMetadata().getName();
    String toName = to.getMetadata().getName();
    if (fromName.equals(toName)) {
      return problems;
    }
    String moving = "moving from release " + fromName + " to " + toName + ": ";
    ReleaseState state = to.getSpec() == null ? null : to.getSpec().getState();
    if (state == ReleaseState.DEPRECATED) {
      problems.add(Problem.at(path, moving + "release " + toName + " is deprecated; move to an active or preview "
          + "release"));
    }
    if (isReleaseName(fromName) && isReleaseName(toName)
        && KubernetesVersion.parse(toName).compareTo(KubernetesVersion.parse(fromName)) < 0) {
      problems.add(Problem.at(path, moving + "release " + toName + " is older than " + fromName
          + "; downgrades are not allowed"));
    }
    Optional<KubernetesVersion> a = kubernetesVersion(from);
    Optional<KubernetesVersion> b = kubernetesVersion(to);
    if (a.isPresent() && b.isPresent()) {
      checkUpgrade(a.get(), b.get(), path).forEach(p -> problems.add(Problem.at(p.path(), moving + p.message())));
    }
    return problems;
  }

  private static List<Problem> sorted(List<Problem> problems) {
    problems.sort(null);
    return problems;
  }
}
