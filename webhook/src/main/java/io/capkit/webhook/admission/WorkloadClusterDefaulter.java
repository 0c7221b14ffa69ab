package io.capkit.webhook.admission;

import io.capkit.api.fleet.WorkloadClusterRules;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.webhook.admission.Operation;
import io.javaoperatorsdk.webhook.admission.mutation.Mutator;
import java.util.Map;

/**
 * Fills contract defaults into {@code spec.variables} of a WorkloadCluster. Leaves objects it cannot read as they
 * are: the validating webhook reports what is wrong with them.
 */
public final class WorkloadClusterDefaulter implements Mutator<GenericKubernetesResource> {
  private final WorkloadClusterRules rules;

  public WorkloadClusterDefaulter(WorkloadClusterRules rules) {
    this.rules = rules;
  }

  @Override
  public GenericKubernetesResource mutate(GenericKubernetesResource resource, Operation operation) {
    Map<String, Object> props = resource.getAdditionalProperties();
    if (!(props.get("spec") instanceof Map<?, ?>)) {
      return resource;
    }
    Map<String, Object> variables = ObjectTrees.mapAt(props, "spec", "variables");
    if (variables == null) {
      return resource;
    }
    variables.putAll(rules.missingDefaults(variables));
    return resource;
  }
}
