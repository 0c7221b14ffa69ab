package io.capkit.renderer;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.release.Release;
import java.util.List;
import java.util.Optional;

/**
 * The CAPI contract a release follows, decided by its cluster-api-core version through the compatibility matrix.
 * Without a release (clusterctl templates) it is the newest contract.
 *
 * @param contract e.g. {@code v1beta2}
 * @param because  why, for messages: {@code release v1.1.0 follows the CAPI v1beta2 contract (cluster-api-core 1.14.0)}
 */
public record ReleaseContract(String contract, String because) {

  public static ReleaseContract of(ReleaseInfo release, CompatibilityMatrix matrix) {
    List<String> contracts = matrix.contracts();
    String newest = contracts.get(contracts.size() - 1);
    if (release == null) {
      return new ReleaseContract(newest, "capkit renders the CAPI " + newest + " contract");
    }
    String capi = release.components().get(Release.CAPI_CORE);
    // The catalog refuses releases on no known contract, so a checked release always has one.
    String contract = capi == null ? newest : matrix.contractFor(capi).orElse(newest);
    return new ReleaseContract(contract, "release " + release.name() + " follows the CAPI " + contract
        + " contract (" + Release.CAPI_CORE + " " + capi + ")");
  }

  /** Why {@code flavor} cannot run under this contract, or empty when the matrix supports it. */
  public Optional<String> refusal(CompatibilityMatrix matrix, String flavor) {
    CompatibilityMatrix.Verdict v = matrix.verdict(flavor, contract);
    return v.supported() ? Optional.empty() : Optional.of(because + "; " + v.reason());
  }
}
