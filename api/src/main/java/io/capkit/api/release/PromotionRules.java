package io.capkit.api.release;

import io.capkit.api.Problem;
import io.capkit.api.contract.KubernetesVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a workload cluster may move from one release to another: the target exists, is meant for clusters
 * (not wip, not deprecated), is not older than the current one, and moves Kubernetes by at most one minor.
 * Pure; problems are reported at {@code spec.release}.
 */
public final class PromotionRules {
  public static final String PATH = "spec.release";

  private PromotionRules() {}

  /** Problems with moving from {@code current} to {@code target}, given the releases by name; empty when allowed. */
  public static List<Problem> check(String current, String target, Map<String, Release> releases) {
    List<Problem> problems = new ArrayList<>();
    Release to = releases.get(target);
    if (to == null) {
      problems.add(Problem.at(PATH, "release " + target + " does not exist in releases/"));
      return problems;
    }
    Optional<KubernetesVersion> targetName = version(target);
    if (targetName.isEmpty()) {
      problems.add(Problem.at(PATH, "release name \"" + target + "\" is not a semantic version (vX.Y.Z)"));
    }
    ReleaseState state = to.getSpec() == null ? null : to.getSpec().getState();
    if (state == ReleaseState.WIP) {
      problems.add(Problem.at(PATH, "release " + target + " is wip and not meant for clusters"));
    } else if (state == ReleaseState.DEPRECATED) {
      problems.add(Problem.at(PATH, "release " + target + " is deprecated; promote to a newer release"));
    }
    Optional<KubernetesVersion> toKube = kubernetes(to);
    if (toKube.isEmpty()) {
      problems.add(Problem.at(PATH, "release " + target + " has no valid kubernetes component version"));
    }
    Release from = releases.get(current);
    if (from == null) {
      problems.add(Problem.at(PATH, "current release " + current
          + " does not exist in releases/, so the upgrade path cannot be checked"));
      return problems;
    }
    Optional<KubernetesVersion> currentName = version(current);
    if (currentName.isPresent() && targetName.isPresent() && targetName.get().compareTo(currentName.get()) < 0) {
      problems.add(Problem.at(PATH, "release " + target + " is older than the current " + current
          + "; downgrades are not allowed"));
    }
    Optional<KubernetesVersion> fromKube = kubernetes(from);
    if (fromKube.isPresent() && toKube.isPresent()) {
      KubernetesVersion a = fromKube.get();
      KubernetesVersion b = toKube.get();
      int minors = a.minorsTo(b);
      if (b.compareTo(a) < 0) {
        problems.add(Problem.at(PATH, "Kubernetes " + b + " in " + target + " is older than " + a + " in "
            + current + "; downgrades are not allowed"));
      } else if (minors > 1) {
        problems.add(Problem.at(PATH, "Kubernetes " + a + " -> " + b + " skips " + (minors - 1)
            + " minor version(s); promote through a release with Kubernetes v" + a.major() + "."
            + (a.minor() + 1) + " first"));
      }
    }
    return problems;
  }

  private static Optional<KubernetesVersion> version(String name) {
    return KubernetesVersion.isValid(name) && name.startsWith("v") ? Optional.of(KubernetesVersion.parse(name))
        : Optional.empty();
  }

  private static Optional<KubernetesVersion> kubernetes(Release r) {
    return Optional.ofNullable(r.getSpec()).flatMap(s -> s.component(Release.KUBERNETES))
        .filter(KubernetesVersion::isValid).map(KubernetesVersion::parse);
  }
}
