package io.capkit.renderer;

import io.capkit.api.Problem;
import java.util.List;
import java.util.Optional;

/**
 * One way to build a workload cluster from CAPI objects (kvm, metal3, kvm-metal3, byoh-metal3, kamaji-metal3).
 * A flavor is a pure function of a {@link ClusterPlan}; the renderer adds the release's apps itself.
 */
public interface Flavor {
  /** The name used in {@code spec.flavor}. */
  String name();

  /** Release components the flavor's controllers come from; a release without one cannot run the flavor. */
  List<String> requiredComponents();

  /** The cluster's CAPI objects, in any order (the renderer sorts them); the newest contract capkit renders. */
  List<KubeObject> render(ClusterPlan plan);

  /**
   * Why the flavor cannot run on {@code release} (its CAPI contract or providers), or empty when it can. The
   * renderer reports it on {@code spec.flavor}.
   */
  default Optional<String> refusal(ReleaseInfo release) {
    return Optional.empty();
  }

  /** Flavor-specific rules on a resolved plan; paths are WorkloadCluster field paths (spec.variables.X). */
  default List<Problem> check(ClusterPlan plan) {
    return List.of();
  }

  /** The cluster's objects for {@code release}, in the API versions its contract and providers serve. */
  default List<KubeObject> render(ClusterPlan plan, ReleaseInfo release) {
    return render(plan);
  }
}
