package io.capkit.renderer;

import java.util.List;

/**
 * A combination the compatibility matrix refuses for every contract (nested-metal3, vcluster-metal3): known, so
 * that {@code spec.flavor} gets the reason instead of "unknown flavor", and never rendered.
 */
public final class RefusedFlavor implements Flavor {
  private final String name;
  private final String reason;

  public RefusedFlavor(String name, String reason) {
    this.name = name;
    this.reason = reason;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<KubeObject> render(ClusterPlan plan) {
    throw new IllegalStateException("flavor " + name + " is refused: " + reason);
  }
}
