package io.capkit.webhook.admission;

import io.capkit.api.Problem;
import io.capkit.api.TenantNamespaces;
import io.capkit.api.contract.KubernetesVersion;
import io.capkit.api.flavor.FlavorRules;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseRules;
import io.capkit.api.yaml.DocumentTrees;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every contract rule on a WorkloadCluster, through the same {@link WorkloadClusterRules} the renderer uses, and its
 * release through the same {@link FlavorRules}: the release exists, is not wip, and its CAPI contract and components
 * run the cluster's flavor. A deprecated release is admitted with a warning, as the renderer renders it with one.
 */
public final class WorkloadClusterCheck implements AdmissionCheck {
  public static final String RELEASE_PATH = FlavorRules.RELEASE_PATH;

  private final WorkloadClusterRules rules;
  private final FlavorRules flavors;
  private final ReleaseLookup releases;

  public WorkloadClusterCheck(WorkloadClusterRules rules, FlavorRules flavors, ReleaseLookup releases) {
    this.rules = rules;
    this.flavors = flavors;
    this.releases = releases;
  }

  @Override
  public Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject) {
    List<Problem> problems = new ArrayList<>(rules.validateTree(object));
    // Only reached if the namespaceSelector was changed, or for a namespace it does not list: the rule is the same.
    if (DocumentTrees.at(object, "metadata", "namespace") instanceof String ns) {
      TenantNamespaces.check(ns).ifPresent(m -> problems.add(Problem.at("metadata.namespace", m)));
    }
    String release = specString(object, "release");
    String flavor = specString(object, "flavor");
    if (!ReleaseRules.isReleaseName(release) || (flavor != null && !WorkloadClusterRules.FLAVORS.contains(flavor))) {
      // The rules above already name what is wrong with spec.release or spec.flavor.
      return Verdict.of(problems);
    }
    flavor = flavor == null ? WorkloadClusterRules.DEFAULT_FLAVOR : flavor;
    boolean update = operation == Operation.UPDATE && oldObject != null;
    String oldFlavor = update ? specString(oldObject, "flavor") : null;
    boolean releaseChanged = !update || !release.equals(specString(oldObject, "release"));
    boolean flavorChanged = !update
        || !flavor.equals(oldFlavor == null ? WorkloadClusterRules.DEFAULT_FLAVOR : oldFlavor);
    // As ClusterReleaseCheck does for the release label: an update is held to the release only when it changes
    // spec.release or spec.flavor, so editing or deprecating a release never blocks clusters already on it.
    boolean checked = releaseChanged || flavorChanged;
    Optional<Release> found = releases.find(release);
    List<String> warnings = new ArrayList<>();
    if (found.isEmpty()) {
      if (checked) {
        problems.add(Problem.at(RELEASE_PATH, "release " + release + " does not exist"));
      }
      return new Verdict(problems, warnings);
    }
    if (releaseChanged) {
      problems.addAll(ReleaseRules.checkNotWip(found.get(), RELEASE_PATH));
    }
    if (update && releaseChanged) {
      upgradePath(specString(oldObject, "release"), found.get(), problems, warnings);
    }
    if (checked) {
      problems.addAll(flavors.check(flavor, found.get()));
    }
    ReleaseRules.deprecationWarning(found.get()).ifPresent(warnings::add);
    return new Verdict(problems, warnings);
  }

  /**
   * Moving to another release is held to the same upgrade rule as a Cluster's release label (no downgrade, no skipped
   * minor, no major change); as there, a previous release that is gone only earns a warning.
   */
  private void upgradePath(String oldRelease, Release target, List<Problem> problems, List<String> warnings) {
    Optional<KubernetesVersion> from = Optional.ofNullable(oldRelease).flatMap(releases::find)
        .flatMap(ReleaseRules::kubernetesVersion);
    Optional<KubernetesVersion> to = ReleaseRules.kubernetesVersion(target);
    String name = target.getMetadata().getName();
    if (from.isEmpty() || to.isEmpty()) {
      warnings.add("cannot check the upgrade path from release " + oldRelease + " to " + name + ": "
          + (from.isEmpty() ? "release " + oldRelease : "release " + name) + " is unknown or lists no kubernetes "
          + "version");
      return;
    }
    for (Problem p : ReleaseRules.checkUpgrade(from.get(), to.get(), RELEASE_PATH)) {
      problems.add(Problem.at(p.path(), "moving from release " + oldRelease + " to " + name + ": " + p.message()));
    }
  }

  private static String specString(Map<String, Object> object, String field) {
    return DocumentTrees.at(object, "spec", field) instanceof String s ? s : null;
  }
}
