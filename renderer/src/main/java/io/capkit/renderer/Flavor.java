package io.capkit.renderer;

import java.util.List;

/**
 * One way to build a workload cluster from CAPI objects (kvm, metal3, kvm-metal3, byoh-metal3, kamaji-metal3).
 * A flavor is a pure function of a {@link ClusterPlan}; the renderer adds the release's apps itself. Whether a
 * release can run it is {@link io.capkit.api.flavor.FlavorRules}' question and what a cluster of the flavor must set is
 * {@link io.capkit.api.fleet.WorkloadClusterRules#checkResolved}'s, both asked by the renderer and the webhook.
 */
public interface Flavor {
  /** The name used in {@code spec.flavor}. */
  String name();

  /** The cluster's CAPI objects, in any order (the renderer sorts them); the newest contract capkit renders. */
  List<KubeObject> render(ClusterPlan plan);

  /** What {@code capkit explain} shows about this flavor beyond the variables, e.g. how hosts get Kubernetes. */
  default List<Explanation.Row> explain(ClusterPlan plan) {
    return List.of();
  }

  /** The cluster's objects for {@code release}, in the API versions its contract and providers serve. */
  default List<KubeObject> render(ClusterPlan plan, ReleaseInfo release) {
    return render(plan);
  }
}
