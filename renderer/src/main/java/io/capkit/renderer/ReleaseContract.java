package io.capkit.renderer;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.flavor.FlavorRules;
import java.util.List;
import java.util.Map;

/**
 * The CAPI contract a release renders with, as {@link FlavorRules#contractOf} decides it from its cluster-api-core
 * version. Without a release (clusterctl templates) it is the newest contract.
 *
 * @param contract e.g. {@code v1beta2}
 * @param because  why, for messages: {@code release v1.1.0 follows the CAPI v1beta2 contract (cluster-api-core 1.14.0)}
 */
public record ReleaseContract(String contract, String because) {

  public static ReleaseContract of(ReleaseInfo release, CompatibilityMatrix matrix) {
    List<String> contracts = matrix.contracts();
    FlavorRules.ReleaseContract c = new FlavorRules(matrix).contractOf(release == null ? null : release.name(),
        release == null ? Map.of() : release.components());
    // The catalog refuses releases on no known contract, so a checked release always has one.
    return new ReleaseContract(c.contract().orElse(contracts.get(contracts.size() - 1)), c.because());
  }
}
