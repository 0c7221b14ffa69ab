package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"initialization", "failureDomain", "addresses", "conditions", "domainName", "domainUUID", "observedGeneration"})
public class KVMMachineStatus {
  private Initialization initialization;
  /** The host the machine runs on (CAPI v1beta2 copies it to Machine.status.failureDomain). */
  private String failureDomain;
  private List<MachineAddress> addresses;
  private List<io.fabric8.kubernetes.api.model.Condition> conditions;
  private String domainName;
  private String domainUUID;
  private Long observedGeneration;

  public Initialization getInitialization() {
    return initialization;
  }

  public void setInitialization(Initialization initialization) {
    this.initialization = initialization;
  }

  public String getFailureDomain() {
    return failureDomain;
  }

  public void setFailureDomain(String failureDomain) {
    this.failureDomain = failureDomain;
  }

  public List<MachineAddress> getAddresses() {
    return addresses;
  }

  public void setAddresses(List<MachineAddress> addresses) {
    this.addresses = addresses;
  }

  public List<io.fabric8.kubernetes.api.model.Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<io.fabric8.kubernetes.api.model.Condition> conditions) {
    this.conditions = conditions;
  }

  public String getDomainName() {
    return domainName;
  }

  public void setDomainName(String domainName) {
    this.domainName = domainName;
  }

  public String getDomainUUID() {
    return domainUUID;
  }

  public void setDomainUUID(String domainUUID) {
    this.domainUUID = domainUUID;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }
}
