package io.capkit.api.fleet;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.TenantNamespaces;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.contract.Variable;
import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.flavor.FlavorNetworkRules;
import io.capkit.api.flavor.FlavorRules;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseRules;
import io.capkit.api.yaml.StrictReader;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Defaulting and validation of a WorkloadCluster against the variable contract. Pure functions used by the
 * renderer and the admission webhook alike; problem paths are full field paths ({@code spec.variables.X}).
 */
public final class WorkloadClusterRules {
  public static final String VARIABLES_PATH = "spec.variables";
  /** Flavors a WorkloadCluster may name: the compatibility matrix's flavors that are not refused. */
  public static final Set<String> FLAVORS = CompatibilityMatrix.standard().flavors().stream()
      .filter(f -> f.refused() == null).map(CompatibilityMatrix.FlavorEntry::name)
      .collect(java.util.stream.Collectors.toUnmodifiableSet());
  /** Longest cluster name: "-md-0" is appended for the worker pool's label value, which has 63 at most. */
  public static final int MAX_NAME = 58;
  /** The variables naming the node image Metal3 writes to bare-metal hosts. */
  public static final List<String> METAL3_IMAGE_VARIABLES = List.of("METAL3_IMAGE_URL", "METAL3_IMAGE_CHECKSUM");

  /** The flavor of a WorkloadCluster without {@code spec.flavor}. */
  public static final String DEFAULT_FLAVOR = "kvm";

  private final Contract contract;
  private final CompatibilityMatrix matrix = CompatibilityMatrix.standard();
  private final FlavorRules flavorRules = new FlavorRules(matrix);

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

  /** Every rule on one standalone WorkloadCluster, its variables over the contract defaults alone. */
  public List<Problem> validate(WorkloadCluster cluster) {
    return validate(cluster, Map.of());
  }

  /**
   * Every rule on one WorkloadCluster whose variables sit over {@code inherited} (the fleet's management-cluster and
   * organization defaults, merged; empty for an object in the API): {@link #validateObject}, the variables alone and
   * over the defaults ({@link #validateVariables}), then {@link #checkResolved} on the resolved values.
   */
  public List<Problem> validate(WorkloadCluster cluster, Map<String, ?> inherited) {
    return validate(cluster.getMetadata(), cluster.getSpec(), inherited);
  }

  /**
   * {@link #validate(WorkloadCluster, Map)} on a cluster's metadata and spec, e.g. as {@link
   * io.capkit.api.yaml.StrictReader#readParts} reads them (no {@code WorkloadCluster} object made).
   */
  public List<Problem> validate(ObjectMeta metadata, WorkloadClusterSpec spec, Map<String, ?> inherited) {
    List<Problem> problems = new ArrayList<>(validateObject(metadata, spec));
    if (spec != null) {
      List<Problem> variables = validateVariables(spec.getVariables(), inherited);
      problems.addAll(variables);
      if (variables.isEmpty()) {
        Map<String, Object> resolved = withDefaults(inherited);
        if (spec.getVariables() != null) {
          resolved.putAll(spec.getVariables());
        }
        problems.addAll(checkResolved(spec, metadata == null ? null : metadata.getName(), resolved));
      }
    }
    problems.sort(null);
    return problems;
  }

  /**
   * The rules that need a cluster's resolved variables (contract defaults, fleet defaults, its own): an endpoint, given
   * or derived as {@code <name>.k8s.<BASE_DOMAIN>}; the Metal3 node image for flavors with Metal3 workers; the
   * flavor's endpoint and networks ({@link FlavorNetworkRules}: kube-vip, Kamaji, Metal3 IPAM). The renderer calls
   * this after layering; {@link #validate} on an object whose variables are its own over the defaults it inherits.
   */
  public List<Problem> checkResolved(WorkloadClusterSpec spec, String name, Map<String, ?> resolved) {
    List<Problem> problems = new ArrayList<>();
    String flavor = flavorOf(spec);
    if (!FLAVORS.contains(flavor)) {
      // validateObject names the flavor's problem; what a flavor capkit does not render needs is moot.
      return problems;
    }
    String host = spec.getControlPlaneEndpoint() == null ? null : spec.getControlPlaneEndpoint().getHost();
    if (spec.getControlPlaneEndpoint() == null) {
      if (resolved.get("BASE_DOMAIN") instanceof String domain) {
        host = name + ".k8s." + domain;
        Names.checkSubdomain(host).ifPresent(m -> problems.add(Problem.at("spec.controlPlaneEndpoint",
            "the derived host " + m)));
      } else {
        problems.add(Problem.at("spec.controlPlaneEndpoint", "is required when BASE_DOMAIN is not set (set "
            + "spec.controlPlaneEndpoint, or BASE_DOMAIN in the cluster, organization or management cluster defaults)"));
      }
    }
    List<String> providers = matrix.flavor(flavor).map(CompatibilityMatrix.FlavorEntry::providers).orElse(List.of());
    if (providers.contains("metal3")) {
      for (String v : METAL3_IMAGE_VARIABLES) {
        if (resolved.get(v) == null) {
          problems.add(Problem.at(VARIABLES_PATH + "." + v, "is required by flavor " + flavor
              + " (the node image Metal3 writes to the bare-metal hosts)"));
        }
      }
    }
    Integer port = spec.getControlPlaneEndpoint() == null || spec.getControlPlaneEndpoint().getPort() == null
        ? FlavorNetworkRules.KUBEADM_API_PORT : spec.getControlPlaneEndpoint().getPort();
    // kube-vip, Kamaji and Metal3 IPAM on every resolved value: the object is held to what render will need.
    problems.addAll(FlavorNetworkRules.check(flavor, host, port, resolved, true));
    problems.sort(null);
    return problems;
  }

  /**
   * The rules on a WorkloadCluster apart from its variables: name, namespace, release name, flavor, endpoint. The
   * renderer applies these to each cluster file and checks the variables after layering the fleet's defaults.
   */
  public List<Problem> validateObject(WorkloadCluster cluster) {
    return validateObject(cluster.getMetadata(), cluster.getSpec());
  }

  /** {@link #validateObject(WorkloadCluster)} on a cluster's metadata and spec. */
  public List<Problem> validateObject(ObjectMeta metadata, WorkloadClusterSpec spec) {
    List<Problem> problems = new ArrayList<>();
    String name = metadata == null ? null : metadata.getName();
    Optional<String> badName = Names.checkLabel(name);
    if (badName.isEmpty() && name.length() > MAX_NAME) {
      badName = Optional.of("\"" + name + "\" is longer than " + MAX_NAME + " characters (\"-md-0\" is appended for "
          + "the worker pool's label values, which have 63 at most)");
    }
    badName.ifPresent(m -> problems.add(Problem.at("metadata.name", m)));
    String namespace = metadata == null ? null : metadata.getNamespace();
    if (namespace != null) {
      TenantNamespaces.check(namespace).ifPresent(m -> problems.add(Problem.at("metadata.namespace", m)));
    }
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
      Names.checkHost(endpoint.getHost()).ifPresent(m -> problems.add(Problem.at("spec.controlPlaneEndpoint.host", m)));
      if (endpoint.getPort() != null && (endpoint.getPort() < 1 || endpoint.getPort() > 65535)) {
        problems.add(Problem.at("spec.controlPlaneEndpoint.port", "must be 1-65535, got " + endpoint.getPort()));
      }
    }
    problems.sort(null);
    return problems;
  }

  /**
   * The rules between a cluster and the release it names, given the releases by name: the release exists, is not
   * wip, and runs the cluster's flavor ({@link FlavorRules}); a deprecated release adds a warning to
   * {@code warnings}. Nothing is checked when the release name or the flavor is itself invalid ({@link
   * #validateObject} reports those). The renderer, {@code capkit validate --releases} and the webhook call this.
   */
  public List<Problem> checkRelease(WorkloadClusterSpec spec, Function<String, Optional<Release>> releases,
                                    List<String> warnings) {
    return checkRelease(spec, releases, warnings, true);
  }

  // The wip rule is about choosing a release: a cluster that only changes its flavor on one is not held to it.
  private List<Problem> checkRelease(WorkloadClusterSpec spec, Function<String, Optional<Release>> releases,
                                     List<String> warnings, boolean choosingRelease) {
    String flavor = spec.getFlavor() == null ? DEFAULT_FLAVOR : spec.getFlavor();
    if (!ReleaseRules.isReleaseName(spec.getRelease()) || !FLAVORS.contains(flavor)) {
      return List.of();
    }
    Optional<Release> found = releases.apply(spec.getRelease());
    if (found.isEmpty()) {
      return List.of(Problem.at(FlavorRules.RELEASE_PATH, "release " + spec.getRelease() + " does not exist"));
    }
    List<Problem> problems = new ArrayList<>(choosingRelease
        ? ReleaseRules.checkNotWip(found.get(), FlavorRules.RELEASE_PATH) : List.of());
    if (problems.isEmpty()) {
      problems.addAll(flavorRules.check(flavor, found.get()));
    }
    ReleaseRules.deprecationWarning(found.get()).ifPresent(warnings::add);
    problems.sort(null);
    return problems;
  }

  /**
   * The release rules on a cluster created with {@code after} ({@code before} null) or changed from {@code before} to
   * {@code after}: {@link #checkRelease} when the release or the flavor changes (other edits are not held to the
   * release, so editing, deprecating or deleting a release never blocks clusters already on it), and when the release
   * changes, {@link ReleaseRules#checkMove} from the old release to the new one; an old release that is unknown only
   * earns a warning. The webhook applies this to every WorkloadCluster and {@code capkit promote} to every edit.
   */
  public List<Problem> checkChange(WorkloadClusterSpec before, WorkloadClusterSpec after,
                                   Function<String, Optional<Release>> releases, List<String> warnings) {
    String release = after.getRelease();
    String oldRelease = before == null ? null : before.getRelease();
    boolean releaseChanged = before == null || !java.util.Objects.equals(release, oldRelease);
    boolean flavorChanged = before == null || !flavorOf(after).equals(flavorOf(before));
    List<Problem> problems = new ArrayList<>();
    if (releaseChanged || flavorChanged) {
      problems.addAll(checkRelease(after, releases, warnings, releaseChanged));
    } else if (ReleaseRules.isReleaseName(release)) {
      releases.apply(release).flatMap(ReleaseRules::deprecationWarning).ifPresent(warnings::add);
    }
    if (before != null && releaseChanged && ReleaseRules.isReleaseName(release)) {
      Optional<Release> to = releases.apply(release);
      Optional<Release> from = ReleaseRules.isReleaseName(oldRelease) ? releases.apply(oldRelease) : Optional.empty();
      if (to.isPresent() && from.isEmpty()) {
        warnings.add("cannot check the upgrade path from release " + oldRelease + " to " + release + ": release "
            + oldRelease + " is unknown");
      } else if (to.isPresent()) {
        problems.addAll(ReleaseRules.checkMove(from.get(), to.get(), FlavorRules.RELEASE_PATH));
      }
    }
    problems.sort(null);
    return problems;
  }

  private static String flavorOf(WorkloadClusterSpec spec) {
    return spec.getFlavor() == null ? DEFAULT_FLAVOR : spec.getFlavor();
  }

  /**
   * The contract on a cluster's own variables, then on the variables merged with the contract defaults (cross-field
   * rules such as non-overlapping ranges can fail against a default).
   */
  public List<Problem> validateVariables(Map<String, Object> variables) {
    return validateVariables(variables, Map.of());
  }

  /** {@link #validateVariables(Map)} with the variables over {@code inherited} fleet defaults. */
  public List<Problem> validateVariables(Map<String, Object> variables, Map<String, ?> inherited) {
    Map<String, Object> own = variables == null ? Map.of() : variables;
    List<Problem> problems = new ArrayList<>();
    contract.validate(own).forEach(p -> problems.add(p.under(VARIABLES_PATH)));
    contract.derivedProblems(own).forEach(p -> problems.add(p.under(VARIABLES_PATH)));
    if (problems.isEmpty()) {
      Map<String, Object> merged = withDefaults(inherited);
      merged.putAll(own);
      contract.validate(merged).forEach(p -> problems.add(p.under(VARIABLES_PATH)));
    }
    problems.sort(null);
    return problems;
  }
}
