package io.capkit.api.fleet;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.contract.Variable;
import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.flavor.FlavorNetworkRules;
import io.capkit.api.release.ReleaseRules;
import io.capkit.api.yaml.StrictReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Defaulting and validation of a WorkloadCluster against the variable contract. Pure functions used by the
 * renderer and the admission webhook alike; problem paths are full field paths ({@code spec.variables.X}).
 */
public final class WorkloadClusterRules {
  public static final String VARIABLES_PATH = "spec.variables";
  /** Flavors a WorkloadCluster may name; {@code kvm} when none is given. */
  public static final Set<String> FLAVORS = Set.of("kvm", "metal3", "kvm-metal3", "byoh-metal3", "kamaji-metal3");
  /** The flavor of a WorkloadCluster without {@code spec.flavor}. */
  public static final String DEFAULT_FLAVOR = "kvm";

  private final Contract contract;
  private final CompatibilityMatrix matrix = CompatibilityMatrix.standard();

  public WorkloadClusterRules(Contract contract) {
    this.contract = contract;
  }

  /**
   * The contract defaults a cluster's variables lack, in contract order: the values defaulting adds. Variables
   * capkit derives itself (NAMESPACE, KUBERNETES_VERSION) are never added.
   */
  public Map<String, Object> missingDefaults(Map<String, ?> variables) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Variable v : contract.variables()) {
      if (v.settable() && v.defaultValue() != null && (variables == null || !variables.containsKey(v.name()))) {
        out.put(v.name(), v.defaultValue());
      }
    }
    return out;
  }

  /** The cluster with contract defaults filled into {@code spec.variables}; the input is left unchanged. */
  public Map<String, Object> withDefaults(Map<String, ?> variables) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (variables != null) {
      out.putAll(variables);
    }
    out.putAll(missingDefaults(variables));
    return out;
  }

  /**
   * Reads a WorkloadCluster object tree strictly (unknown fields, wrong types) and validates it. The list is
   * empty when the object is valid.
   */
  public List<Problem> validateTree(Map<String, Object> tree) {
    WorkloadCluster cluster;
    try {
      cluster = StrictReader.read(null, tree, WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster");
    } catch (InvalidInputException e) {
      return e.problems();
    }
    return validate(cluster);
  }

  /** Every contract rule on one WorkloadCluster: name, release, flavor, endpoint, variables. */
  public List<Problem> validate(WorkloadCluster cluster) {
    List<Problem> problems = new ArrayList<>();
    String name = cluster.getMetadata() == null ? null : cluster.getMetadata().getName();
    Names.checkLabel(name).ifPresent(m -> problems.add(Problem.at("metadata.name", m)));
    WorkloadClusterSpec spec = cluster.getSpec();
    if (spec == null) {
      problems.add(Problem.at("spec", "is required"));
      problems.sort(null);
      return problems;
    }
    if (spec.getRelease() == null || spec.getRelease().isEmpty()) {
      problems.add(Problem.at("spec.release", "is required (a Release name, e.g. v29.1.0)"));
    } else if (!ReleaseRules.isReleaseName(spec.getRelease())) {
      problems.add(Problem.at("spec.release", "\"" + spec.getRelease()
          + "\" is not a release name (vX.Y.Z, e.g. v29.1.0)"));
    }
    if (spec.getFlavor() != null && !FLAVORS.contains(spec.getFlavor())) {
      String refused = matrix.flavor(spec.getFlavor()).map(CompatibilityMatrix.FlavorEntry::refused).orElse(null);
      problems.add(Problem.at("spec.flavor", refused != null ? "flavor " + spec.getFlavor() + " is refused: " + refused
          : "\"" + spec.getFlavor() + "\" is not a flavor; one of " + FLAVORS.stream().sorted().toList()));
    }
    ApiEndpoint endpoint = spec.getControlPlaneEndpoint();
    if (endpoint != null) {
      if (endpoint.getHost() == null || endpoint.getHost().isEmpty()) {
        problems.add(Problem.at("spec.controlPlaneEndpoint.host", "is required"));
      }
      if (endpoint.getPort() != null && (endpoint.getPort() < 1 || endpoint.getPort() > 65535)) {
        problems.add(Problem.at("spec.controlPlaneEndpoint.port", "must be 1-65535, got " + endpoint.getPort()));
      }
    }
    List<Problem> variableProblems = validateVariables(spec.getVariables());
    problems.addAll(variableProblems);
    if (variableProblems.isEmpty()) {
      // Only the object's own values: a fleet file's defaults files are not visible here (the defaulting webhook
      // has added the contract's), so the rules skip what they cannot decide.
      problems.addAll(FlavorNetworkRules.check(spec.getFlavor() == null ? DEFAULT_FLAVOR : spec.getFlavor(),
          endpoint == null ? null : endpoint.getHost(),
          endpoint == null ? null : endpoint.getPort() == null ? FlavorNetworkRules.KUBEADM_API_PORT : endpoint.getPort(),
          spec.getVariables() == null ? Map.of() : spec.getVariables(), false));
    }
    problems.sort(null);
    return problems;
  }

  /**
   * The contract on a cluster's own variables, then on the variables merged with the contract defaults (cross-field
   * rules such as non-overlapping ranges can fail against a default).
   */
  public List<Problem> validateVariables(Map<String, Object> variables) {
    Map<String, Object> own = variables == null ? Map.of() : variables;
    List<Problem> problems = new ArrayList<>();
    contract.validate(own).forEach(p -> problems.add(p.under(VARIABLES_PATH)));
    own.keySet().forEach(k -> contract.variable(k).filter(v -> !v.settable()).ifPresent(v -> problems.add(
        Problem.at(VARIABLES_PATH + "." + k, "is set by capkit from " + v.source() + "; remove it from variables"))));
    if (problems.isEmpty()) {
      contract.validate(withDefaults(own)).forEach(p -> problems.add(p.under(VARIABLES_PATH)));
    }
    problems.sort(null);
    return problems;
  }
}
