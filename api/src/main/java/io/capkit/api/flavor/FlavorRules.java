package io.capkit.api.flavor;

import io.capkit.api.Problem;
import io.capkit.api.contract.KubernetesVersion;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a release can run a flavor: the CAPI contract the release follows (decided by its cluster-api-core
 * version) must be one the compatibility matrix supports for the flavor, and the release must ship the components
 * of every provider the flavor uses. The renderer and the admission webhook both ask here; problem paths are
 * WorkloadCluster field paths ({@code spec.flavor}, {@code spec.release}).
 */
public final class FlavorRules {
  public static final String FLAVOR_PATH = "spec.flavor";
  public static final String RELEASE_PATH = "spec.release";

  /**
   * The contract a release follows.
   *
   * @param contract e.g. {@code v1beta2}; empty when the release's cluster-api-core version follows none capkit knows
   * @param because  why, for messages: {@code release v1.1.0 follows the CAPI v1beta2 contract (cluster-api-core 1.14.0)}
   */
  public record ReleaseContract(Optional<String> contract, String because) {}

  private final CompatibilityMatrix matrix;

  public FlavorRules(CompatibilityMatrix matrix) {
    this.matrix = matrix;
  }

  /** The rules over the matrix shipped with capkit. */
  public static FlavorRules standard() {
    return new FlavorRules(CompatibilityMatrix.standard());
  }

  /**
   * The contract {@code release} follows, by its components; without a release (clusterctl templates) or without a
   * cluster-api-core component it is the newest contract.
   */
  public ReleaseContract contractOf(String release, Map<String, String> components) {
    List<String> contracts = matrix.contracts();
    String newest = contracts.get(contracts.size() - 1);
    if (release == null) {
      return new ReleaseContract(Optional.of(newest), "capkit renders the CAPI " + newest + " contract");
    }
    String capi = components.get(Release.CAPI_CORE);
    if (capi != null && (!KubernetesVersion.isValid(capi) || matrix.contractFor(capi).isEmpty())) {
      return new ReleaseContract(Optional.empty(), "release " + release + " lists " + Release.CAPI_CORE + " " + capi
          + ", which follows no CAPI contract capkit renders");
    }
    String contract = capi == null ? newest : matrix.contractFor(capi).orElseThrow();
    return new ReleaseContract(Optional.of(contract), "release " + release + " follows the CAPI " + contract
        + " contract (" + Release.CAPI_CORE + " " + capi + ")");
  }

  /**
   * Why {@code flavor} cannot run on {@code release}, or empty when the matrix supports it under the release's
   * contract. A combination refused for every contract (nested-metal3, vcluster-metal3) gets its own reason.
   */
  public Optional<String> refusal(String flavor, String release, Map<String, String> components) {
    Optional<CompatibilityMatrix.FlavorEntry> entry = matrix.flavor(flavor);
    if (entry.isEmpty()) {
      return Optional.of("capkit knows no flavor " + flavor);
    }
    if (entry.get().refused() != null) {
      return Optional.of(entry.get().refused());
    }
    ReleaseContract contract = contractOf(release, components);
    if (contract.contract().isEmpty()) {
      return Optional.of(contract.because());
    }
    CompatibilityMatrix.Verdict v = matrix.verdict(flavor, contract.contract().get());
    return v.supported() ? Optional.empty() : Optional.of(contract.because() + "; " + v.reason());
  }

  /** The release components the providers of {@code flavor} come from, in matrix order; empty for an unknown one. */
  public List<String> requiredComponents(String flavor) {
    if (matrix.flavor(flavor).isEmpty()) {
      return List.of();
    }
    List<String> contracts = matrix.contracts();
    return matrix.verdict(flavor, contracts.get(contracts.size() - 1)).components();
  }

  /**
   * Every problem with running {@code flavor} on {@code release}: a refusal on {@code spec.flavor}, else each
   * missing component on {@code spec.release}.
   */
  public List<Problem> check(String flavor, String release, Map<String, String> components) {
    Optional<String> refused = refusal(flavor, release, components);
    if (refused.isPresent()) {
      return List.of(Problem.at(FLAVOR_PATH, "flavor " + flavor + " cannot run on release " + release + ": "
          + refused.get()));
    }
    List<Problem> problems = new ArrayList<>();
    for (String component : requiredComponents(flavor)) {
      if (!components.containsKey(component)) {
        problems.add(Problem.at(RELEASE_PATH, "release " + release + " has no " + component
            + " component, which flavor " + flavor + " needs"));
      }
    }
    return problems;
  }

  /** {@link #check(String, String, Map)} for a Release object; a component listed twice counts once, first wins. */
  public List<Problem> check(String flavor, Release release) {
    return check(flavor, release.getMetadata() == null ? null : release.getMetadata().getName(), components(release));
  }

  /** A release's components, name → version; entries without a name or version are left out. */
  public static Map<String, String> components(Release release) {
    Map<String, String> out = new TreeMap<>();
    List<ReleaseComponent> list = release.getSpec() == null || release.getSpec().getComponents() == null ? List.of()
        : release.getSpec().getComponents();
    for (ReleaseComponent c : list) {
      if (c != null && c.getName() != null && c.getVersion() != null) {
        out.putIfAbsent(c.getName(), c.getVersion());
      }
    }
    return out;
  }
}
