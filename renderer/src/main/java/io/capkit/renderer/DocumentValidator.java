package io.capkit.renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.TenantNamespaces;
import io.capkit.api.fleet.FleetDefaults;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.fleet.WorkloadClusterSpec;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KvmHostRules;
import io.capkit.api.infra.KvmRules;
import io.capkit.api.infra.Infra;
import io.capkit.api.release.Release;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.renderer.schema.CrdSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks single files as {@code capkit validate} does, by the same {@code api} rules every entry point applies:
 * WorkloadClusters by {@link WorkloadClusterRules} (and, when a release catalog is given, against the release they
 * name), FleetDefaults by the contract, Releases by {@link io.capkit.api.release.ReleaseRules}, KVM objects by
 * {@link KvmRules}, rendered CAPI and Flux objects by their CRD schemas. Layering of fleet defaults needs
 * {@code capkit render}.
 */
public final class DocumentValidator {
  private static final Pattern CLUSTER_FILE = Pattern.compile(
      "(.*/|)management-clusters/([^/]+)/organizations/([^/]+)/workload-clusters/[^/]+/cluster\\.yaml");
  private final Supplier<Rules> rulesSource;
  private Rules rules;
  private final CrdSchemas schemas;
  private final ReleaseCatalog releases;

  /**
   * The rules a validator applies, made from a contract. Compiling the contract's schema and setting the rules up is
   * most of what a validator costs before its first file; {@code capkit validate} makes them on a thread of its own
   * while the first file is read and parsed ({@link #DocumentValidator(Supplier, CrdSchemas, ReleaseCatalog)}).
   */
  public static final class Rules {
    private final Contract contract;
    private final WorkloadClusterRules clusters;
    private final KvmRules kvm;

    public Rules(Contract contract) {
      this.contract = contract;
      this.clusters = new WorkloadClusterRules(contract);
      this.kvm = new KvmRules(contract);
    }
  }

  /** A validator that checks WorkloadClusters without their releases. */
  public DocumentValidator(Contract contract, CrdSchemas schemas) {
    this(contract, schemas, null);
  }

  /** {@code releases}, when not null, is the catalog WorkloadClusters are checked against. */
  public DocumentValidator(Contract contract, CrdSchemas schemas, ReleaseCatalog releases) {
    this.rules = new Rules(contract);
    this.rulesSource = null;
    this.schemas = schemas;
    this.releases = releases;
  }

  /**
   * A validator whose rules come from {@code rules} when a file first needs them (a file's text is read and parsed
   * first); whatever getting them throws is thrown there. Only the caller's thread uses the validator.
   */
  public DocumentValidator(Supplier<Rules> rules, CrdSchemas schemas, ReleaseCatalog releases) {
    this.rulesSource = rules;
    this.schemas = schemas;
    this.releases = releases;
  }

  private Rules rules() {
    if (rules == null) {
      rules = rulesSource.get();
    }
    return rules;
  }

  /** Every problem in the bytes of {@code file} (UTF-8 YAML); empty when valid. */
  public List<Problem> validate(String file, byte[] bytes) {
    return validate(file, bytes, f -> Optional.empty());
  }

  /** {@link #validate(String, String, Function)} on the bytes of {@code file} (UTF-8 YAML). */
  public List<Problem> validate(String file, byte[] bytes, Function<String, Optional<String>> files) {
    String text;
    try {
      text = YamlDocuments.text(file, bytes);
    } catch (InvalidInputException e) {
      return e.problems();
    }
    return validate(file, text, files);
  }

  /** Every problem in the YAML text of {@code file}; empty when valid. */
  public List<Problem> validate(String file, String text) {
    return validate(file, text, f -> Optional.empty());
  }

  /**
   * Every problem in the YAML text of {@code file}; {@code files} reads other files by name, so that a WorkloadCluster
   * in a fleet layout is checked over the management-cluster and organization defaults above it, as render does.
   */
  @SuppressWarnings("unchecked")
  public List<Problem> validate(String file, String text, Function<String, Optional<String>> files) {
    List<Problem> problems = new ArrayList<>();
    List<Object> docs;
    try {
      docs = YamlDocuments.loadAll(file, text);
    } catch (InvalidInputException e) {
      return e.problems();
    }
    for (Object doc : docs) {
      if (!(doc instanceof Map<?, ?> map) || !map.keySet().stream().allMatch(k -> k instanceof String)) {
        problems.add(new Problem(file, null, "expected a YAML mapping with string keys"));
        continue;
      }
      try {
        problems.addAll(validateObject(file, (Map<String, Object>) map, files));
      } catch (InvalidInputException e) {
        problems.addAll(e.problems());
      }
    }
    problems.sort(null);
    return problems;
  }

  private List<Problem> validateObject(String file, Map<String, Object> o, Function<String, Optional<String>> files) {
    String apiVersion = String.valueOf(o.get("apiVersion"));
    String kind = String.valueOf(o.get("kind"));
    List<Problem> problems = new ArrayList<>();
    if (WorkloadCluster.API_VERSION.equals(apiVersion) && "WorkloadCluster".equals(kind)) {
      // Read into metadata and spec only: no WorkloadCluster object, whose first construction costs a one-file
      // capkit validate ~15 ms of fabric8 annotation parsing (StrictReader.readParts).
      StrictReader.Parts<WorkloadClusterSpec, Void> wc = StrictReader.readParts(file, o, WorkloadCluster.class,
          apiVersion, kind);
      Map<String, Object> inherited = inherited(file, files);
      WorkloadClusterRules clusters = rules().clusters;
      List<Problem> found = new ArrayList<>(clusters.validate(wc.metadata(), wc.spec(), inherited));
      if (releases != null && wc.spec() != null) {
        found.addAll(clusters.checkRelease(wc.spec(), name -> releases.find(name).map(ReleaseInfo::release),
            new ArrayList<>()));
      }
      found.forEach(p -> problems.add(p.inFile(file)));
    } else if (FleetDefaults.API_VERSION.equals(apiVersion) && FleetDefaults.KIND.equals(kind)) {
      FleetDefaults d = StrictReader.read(file, o, FleetDefaults.class, apiVersion, kind);
      if (d.getNamespace() != null) {
        TenantNamespaces.check(d.getNamespace()).ifPresent(m -> problems.add(new Problem(file, "namespace", m)));
      }
      variables(file, "variables", d.getVariables(), problems);
    } else if (Release.API_VERSION.equals(apiVersion) && "Release".equals(kind)) {
      ReleaseCatalog.check(StrictReader.read(file, o, Release.class, apiVersion, kind), file, problems);
    } else if ("kustomize.config.k8s.io/v1beta1".equals(apiVersion) && "Kustomization".equals(kind)) {
      if (!(o.get("resources") instanceof List<?>)) {
        problems.add(new Problem(file, "resources", "must be a list of files and folders"));
      }
    } else if (Infra.API_VERSION.equals(apiVersion) && "KVMHost".equals(kind)) {
      // The admins' host: the same rules as the webhook's; whether tenants' clusters fit it needs capkit render.
      KVMHost h = StrictReader.read(file, o, KVMHost.class, apiVersion, kind);
      KvmHostRules.validateHost(h.getMetadata().getName(), h.getSpec()).forEach(p -> problems.add(p.inFile(file)));
    } else if (Infra.API_VERSION.equals(apiVersion) && KvmRules.KINDS.containsKey(kind)) {
      rules().kvm.validateObject(kind, o, null).forEach(p -> problems.add(p.inFile(file)));
    } else {
      problems.addAll(schemas.validate(file, o));
    }
    return problems;
  }

  /** The fleet defaults above a cluster file in the fleet layout, merged (organization over management cluster). */
  private static Map<String, Object> inherited(String file, Function<String, Optional<String>> files) {
    Matcher m = CLUSTER_FILE.matcher(file);
    Map<String, Object> out = new LinkedHashMap<>();
    if (!m.matches()) {
      return out;
    }
    String mc = m.group(1) + "management-clusters/" + m.group(2) + "/";
    for (String defaults : List.of(mc + "defaults.yaml", mc + "organizations/" + m.group(3) + "/defaults.yaml")) {
      files.apply(defaults).ifPresent(text -> {
        try {
          FleetDefaults d = StrictReader.read(defaults, YamlDocuments.loadOne(defaults, text), FleetDefaults.class,
              FleetDefaults.API_VERSION, FleetDefaults.KIND);
          if (d.getVariables() != null) {
            out.putAll(d.getVariables());
          }
        } catch (InvalidInputException e) {
          // A broken defaults file is reported when it is validated itself.
        }
      });
    }
    return out;
  }

  private void variables(String file, String at, Map<String, Object> values, List<Problem> problems) {
    if (values == null) {
      return;
    }
    Contract contract = rules().contract;
    contract.validate(values).forEach(p -> problems.add(new Problem(file, at + "." + p.path(), p.message())));
    contract.derivedProblems(values).forEach(p -> problems.add(new Problem(file, at + "." + p.path(), p.message())));
  }
}
