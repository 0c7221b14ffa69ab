package io.capkit.webhook.admission;

import io.capkit.api.fleet.WorkloadClusterRules;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.Map;

/** Every contract rule on a WorkloadCluster, through the same {@link WorkloadClusterRules} the renderer uses. */
public final class WorkloadClusterCheck implements AdmissionCheck {
  private final WorkloadClusterRules rules;

  public WorkloadClusterCheck(WorkloadClusterRules rules) {
    this.rules = rules;
  }

  @Override
  public Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject) {
    return Verdict.of(rules.validateTree(object));
  }
}
