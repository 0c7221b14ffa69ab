package io.capkit.renderer;

import java.util.List;

/**
 * One way to build a workload cluster from CAPI objects (kvm, later kvm-metal3, byoh-metal3, kamaji-metal3).
 * A flavor is a pure function of a {@link ClusterPlan}; the renderer adds the release's apps itself.
 */
public interface Flavor {
  /** The name used in {@code spec.flavor}. */
  String name();

  /** Release components the flavor's controllers come from; a release without one cannot run the flavor. */
  List<String> requiredComponents();

  /** The cluster's CAPI objects, in any order (the renderer sorts them). */
  List<KubeObject> render(ClusterPlan plan);
}
