package io.capkit.webhook.admission;

import io.capkit.api.Problem;
import io.capkit.api.contract.KubernetesVersion;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseRules;
import io.capkit.api.yaml.DocumentTrees;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CAPI {@code Cluster} objects labelled {@code release.capkit.io/version}: the release exists; a new cluster uses
 * neither a wip nor a deprecated release; {@code spec.topology.version}, when present, equals the release's
 * Kubernetes version; on update the Kubernetes version neither goes down nor skips a minor. A cluster that stays on
 * a deprecated release is admitted with a warning.
 */
public final class ClusterReleaseCheck implements AdmissionCheck {
  public static final String LABEL_PATH = "metadata.labels[" + Release.VERSION_LABEL + "]";
  public static final String VERSION_PATH = "spec.topology.version";

  private final ReleaseLookup releases;

  public ClusterReleaseCheck(ReleaseLookup releases) {
    this.releases = releases;
  }

  /** Labels are in metadata; spec.topology.version is the one other field looked at. */
  @Override
  public List<String> reads() {
    return List.of("metadata", VERSION_PATH);
  }

  @Override
  public Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject) {
    Object label = DocumentTrees.at(object, "metadata", "labels", Release.VERSION_LABEL);
    if (label == null) {
      return operation == Operation.UPDATE && oldObject != null ? labelRemoved(object, oldObject) : Verdict.ALLOWED;
    }
    String name = label.toString();
    if (!ReleaseRules.isReleaseName(name)) {
      return Verdict.of(List.of(Problem.at(LABEL_PATH, "\"" + name + "\" is not a release name (vX.Y.Z)")));
    }
    Optional<Release> found = releases.find(name);
    if (found.isEmpty()) {
      return Verdict.of(List.of(Problem.at(LABEL_PATH, "release " + name + " does not exist")));
    }
    Release release = found.get();
    List<Problem> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Object topologyVersion = DocumentTrees.at(object, "spec", "topology", "version");
    if (topologyVersion != null) {
      problems.addAll(ReleaseRules.checkKubernetesVersion(release, topologyVersion.toString(), VERSION_PATH));
    }
    if (operation != Operation.UPDATE || oldObject == null) {
      problems.addAll(ReleaseRules.checkNewCluster(release, LABEL_PATH));
      return new Verdict(problems, warnings);
    }
    Object oldLabel = DocumentTrees.at(oldObject, "metadata", "labels", Release.VERSION_LABEL);
    if (!name.equals(oldLabel == null ? null : oldLabel.toString())) {
      problems.addAll(ReleaseRules.checkNotWip(release, LABEL_PATH));
      previousVersion(oldObject, oldLabel).ifPresentOrElse(
          from -> ReleaseRules.kubernetesVersion(release).ifPresent(
              to -> problems.addAll(ReleaseRules.checkUpgrade(from, to, LABEL_PATH))),
          () -> warnings.add("cannot check the upgrade path to release " + name + ": the previous release "
              + oldLabel + " is unknown and the cluster has no " + VERSION_PATH));
    }
    ReleaseRules.deprecationWarning(release).ifPresent(warnings::add);
    return new Verdict(problems, warnings);
  }

  /**
   * An UPDATE that drops the label: leaving release management is an upgrade decision like any other, so the
   * Kubernetes version the cluster moves to (its new topology version) must be a valid upgrade from the one it had.
   */
  private Verdict labelRemoved(Map<String, Object> object, Map<String, Object> oldObject) {
    Object oldLabel = DocumentTrees.at(oldObject, "metadata", "labels", Release.VERSION_LABEL);
    Object to = DocumentTrees.at(object, "spec", "topology", "version");
    if (oldLabel == null || to == null) {
      return Verdict.ALLOWED;
    }
    if (!KubernetesVersion.isValid(to.toString())) {
      return Verdict.of(List.of(Problem.at(VERSION_PATH, "\"" + to + "\" is not a Kubernetes version")));
    }
    Optional<KubernetesVersion> from = previousVersion(oldObject, oldLabel);
    if (from.isEmpty()) {
      return new Verdict(List.of(), List.of("cannot check the upgrade path: the previous release " + oldLabel
          + " is unknown and the cluster had no " + VERSION_PATH));
    }
    return Verdict.of(ReleaseRules.checkUpgrade(from.get(), KubernetesVersion.parse(to.toString()), VERSION_PATH));
  }

  /** The Kubernetes version the cluster had: its old topology version, else its old release's. */
  private Optional<KubernetesVersion> previousVersion(Map<String, Object> oldObject, Object oldLabel) {
    Object v = DocumentTrees.at(oldObject, "spec", "topology", "version");
    if (v != null && KubernetesVersion.isValid(v.toString())) {
      return Optional.of(KubernetesVersion.parse(v.toString()));
    }
    return oldLabel == null ? Optional.empty()
        : releases.find(oldLabel.toString()).flatMap(ReleaseRules::kubernetesVersion);
  }
}
