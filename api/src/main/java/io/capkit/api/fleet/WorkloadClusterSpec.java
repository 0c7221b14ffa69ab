package io.capkit.api.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"release", "flavor", "controlPlaneEndpoint", "variables"})
public class WorkloadClusterSpec {
  @Required
  @JsonPropertyDescription("Name of the Release (vX.Y.Z) this cluster runs.")
  private String release;

  @JsonPropertyDescription("Provider layout: kvm (default), metal3, kvm-metal3, byoh-metal3, kamaji-metal3.")
  private String flavor;

  @JsonPropertyDescription("API endpoint of the workload cluster; defaults to <name>.k8s.<BASE_DOMAIN>:6443.")
  private ApiEndpoint controlPlaneEndpoint;

  @PreserveUnknownFields
  @JsonPropertyDescription("Contract variables (see the capkit variable table); unknown names are rejected.")
  private Map<String, Object> variables;

  public String getRelease() {
    return release;
  }

  public void setRelease(String release) {
    this.release = release;
  }

  public String getFlavor() {
    return flavor;
  }

  public void setFlavor(String flavor) {
    this.flavor = flavor;
  }

  public ApiEndpoint getControlPlaneEndpoint() {
    return controlPlaneEndpoint;
  }

  public void setControlPlaneEndpoint(ApiEndpoint controlPlaneEndpoint) {
    this.controlPlaneEndpoint = controlPlaneEndpoint;
  }

  public Map<String, Object> getVariables() {
    return variables;
  }

  public void setVariables(Map<String, Object> variables) {
    this.variables = variables;
  }
}
