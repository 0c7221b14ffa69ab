package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"initialization", "failureDomains", "conditions", "observedGeneration"})
public class KVMClusterStatus {
  private Initialization initialization;
  private List<FailureDomain> failureDomains;
  private List<io.fabric8.kubernetes.api.model.Condition> conditions;
  private Long observedGeneration;

  public Initialization getInitialization() {
    return initialization;
  }

  public void setInitialization(Initialization initialization) {
    this.initialization = initialization;
  }

  public List<FailureDomain> getFailureDomains() {
    return failureDomains;
  }

  public void setFailureDomains(List<FailureDomain> failureDomains) {
    this.failureDomains = failureDomains;
  }

  public List<io.fabric8.kubernetes.api.model.Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<io.fabric8.kubernetes.api.model.Condition> conditions) {
    this.conditions = conditions;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }
}
