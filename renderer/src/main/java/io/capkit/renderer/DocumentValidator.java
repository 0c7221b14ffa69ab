package io.capkit.renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.contract.Variable;
import io.capkit.api.fleet.FleetDefaults;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.infra.Infra;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterTemplate;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineTemplate;
import io.capkit.api.release.Release;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.renderer.schema.CrdSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks single files as {@code capkit validate} does: fleet documents (WorkloadCluster, FleetDefaults) and
 * Releases by capkit's own rules, rendered CAPI and Flux objects by their CRD schemas, KVM objects by their
 * CRD or the api types. Cross-file rules (release exists, layering, overlaps after layering) need
 * {@code capkit render}.
 */
public final class DocumentValidator {
  private static final Map<String, Class<?>> KVM_TYPES = Map.of(
      "KVMCluster", KVMCluster.class, "KVMClusterTemplate", KVMClusterTemplate.class,
      "KVMMachine", KVMMachine.class, "KVMMachineTemplate", KVMMachineTemplate.class);
  private final Contract contract;
  private final Flavors flavors;
  private final CrdSchemas schemas;

  public DocumentValidator(Contract contract, Flavors flavors, CrdSchemas schemas) {
    this.contract = contract;
    this.flavors = flavors;
    this.schemas = schemas;
  }

  /** Every problem in the bytes of {@code file} (UTF-8 YAML); empty when valid. */
  public List<Problem> validate(String file, byte[] bytes) {
    String text;
    try {
      text = YamlDocuments.text(file, bytes);
    } catch (InvalidInputException e) {
      return e.problems();
    }
    return validate(file, text);
  }

  /** Every problem in the YAML text of {@code file}; empty when valid. */
  @SuppressWarnings("unchecked")
  public List<Problem> validate(String file, String text) {
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
        problems.addAll(validateObject(file, (Map<String, Object>) map));
      } catch (InvalidInputException e) {
        problems.addAll(e.problems());
      }
    }
    problems.sort(null);
    return problems;
  }

  private List<Problem> validateObject(String file, Map<String, Object> o) {
    String apiVersion = String.valueOf(o.get("apiVersion"));
    String kind = String.valueOf(o.get("kind"));
    List<Problem> problems = new ArrayList<>();
    if (WorkloadCluster.API_VERSION.equals(apiVersion) && "WorkloadCluster".equals(kind)) {
      WorkloadCluster wc = StrictReader.read(file, o, WorkloadCluster.class, apiVersion, kind);
      Names.checkLabel(wc.getMetadata().getName()).ifPresent(m -> problems.add(new Problem(file, "metadata.name", m)));
      if (wc.getMetadata().getNamespace() != null) {
        Names.checkLabel(wc.getMetadata().getNamespace())
            .ifPresent(m -> problems.add(new Problem(file, "metadata.namespace", m)));
      }
      if (wc.getSpec() == null || wc.getSpec().getRelease() == null) {
        problems.add(new Problem(file, "spec.release", "is required"));
      }
      if (wc.getSpec() != null) {
        String flavor = wc.getSpec().getFlavor();
        if (flavor != null && flavors.find(flavor).isEmpty()) {
          problems.add(new Problem(file, "spec.flavor", "flavor " + flavor + " is not supported yet (supported: "
              + String.join(", ", flavors.names()) + ")"));
        }
        variables(file, "spec.variables", wc.getSpec().getVariables(), problems);
      }
    } else if (FleetDefaults.API_VERSION.equals(apiVersion) && FleetDefaults.KIND.equals(kind)) {
      FleetDefaults d = StrictReader.read(file, o, FleetDefaults.class, apiVersion, kind);
      if (d.getNamespace() != null) {
        Names.checkLabel(d.getNamespace()).ifPresent(m -> problems.add(new Problem(file, "namespace", m)));
      }
      variables(file, "variables", d.getVariables(), problems);
    } else if (Release.API_VERSION.equals(apiVersion) && "Release".equals(kind)) {
      ReleaseCatalog.check(StrictReader.read(file, o, Release.class, apiVersion, kind), file, problems);
    } else if ("kustomize.config.k8s.io/v1beta1".equals(apiVersion) && "Kustomization".equals(kind)) {
      if (!(o.get("resources") instanceof List<?>)) {
        problems.add(new Problem(file, "resources", "must be a list of files and folders"));
      }
    } else if (!schemas.knows(apiVersion, kind) && Infra.API_VERSION.equals(apiVersion) && KVM_TYPES.containsKey(kind)) {
      StrictReader.read(file, o, KVM_TYPES.get(kind), apiVersion, kind);
    } else {
      problems.addAll(schemas.validate(file, o));
    }
    return problems;
  }

  private void variables(String file, String at, Map<String, Object> values, List<Problem> problems) {
    if (values == null) {
      return;
    }
    contract.validate(values).forEach(p -> problems.add(new Problem(file, at + "." + p.path(), p.message())));
    values.keySet().forEach(k -> contract.variable(k).filter(v -> !v.settable()).map(Variable::source)
        .ifPresent(src -> problems.add(new Problem(file, at + "." + k, "is set by capkit from " + src
            + "; remove it from variables"))));
  }
}
