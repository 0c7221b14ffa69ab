package io.capkit.webhook.admission;

import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.api.infra.KvmRules;
import io.capkit.api.yaml.DocumentTrees;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.webhook.admission.Operation;
import io.javaoperatorsdk.webhook.admission.mutation.Mutator;
import java.util.Map;

/**
 * Defaults of the KVM kinds, on CREATE only: templates are immutable and a machine's spec is fixed once its domain
 * exists, so an update must never gain fields it did not have.
 */
public final class KvmDefaulter implements Mutator<GenericKubernetesResource> {
  /** The API server's default port for a control plane endpoint without one. */
  static final int DEFAULT_API_PORT = 6443;

  private final KvmCheck.Kind kind;
  private final KvmRules rules;

  public KvmDefaulter(KvmCheck.Kind kind, KvmRules rules) {
    this.kind = kind;
    this.rules = rules;
  }

  @Override
  public GenericKubernetesResource mutate(GenericKubernetesResource resource, Operation operation) {
    if (operation != Operation.CREATE) {
      return resource;
    }
    Map<String, Object> props = resource.getAdditionalProperties();
    switch (kind) {
      case KVM_MACHINE -> defaultMachine(props, "spec");
      case KVM_MACHINE_TEMPLATE -> defaultMachine(props, "spec", "template", "spec");
      case KVM_CLUSTER -> defaultEndpoint(props, "spec");
      case KVM_CLUSTER_TEMPLATE -> defaultEndpoint(props, "spec", "template", "spec");
      default -> throw new IllegalStateException("unhandled kind " + kind);
    }
    return resource;
  }

  private void defaultMachine(Map<String, Object> props, String... path) {
    if (!(DocumentTrees.at(props, path) instanceof Map<?, ?> specMap)) {
      return;
    }
    KVMMachineSpec spec;
    try {
      spec = ObjectTrees.MAPPER.convertValue(specMap, KVMMachineSpec.class);
    } catch (IllegalArgumentException e) {
      return;
    }
    @SuppressWarnings("unchecked") Map<String, Object> target = (Map<String, Object>) specMap;
    rules.machineDefaults(spec).forEach((field, value) -> {
      String[] keys = field.split("\\.");
      Map<String, Object> parent = target;
      for (int i = 0; i < keys.length - 1 && parent != null; i++) {
        parent = ObjectTrees.mapAt(parent, keys[i]);
      }
      if (parent != null) {
        parent.putIfAbsent(keys[keys.length - 1], value);
      }
    });
  }

  private static void defaultEndpoint(Map<String, Object> props, String... path) {
    Object endpoint = DocumentTrees.at(props, path);
    if (endpoint instanceof Map<?, ?> spec && spec.get("controlPlaneEndpoint") instanceof Map<?, ?> e
        && e.get("host") != null && !e.containsKey("port")) {
      @SuppressWarnings("unchecked") Map<String, Object> ep = (Map<String, Object>) e;
      ep.put("port", DEFAULT_API_PORT);
    }
  }
}
