package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "controlPlane", "attributes"})
public class FailureDomain {
  private String name;
  private Boolean controlPlane;
  private Map<String, String> attributes;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getControlPlane() {
    return controlPlane;
  }

  public void setControlPlane(Boolean controlPlane) {
    this.controlPlane = controlPlane;
  }

  public Map<String, String> getAttributes() {
    return attributes;
  }

  public void setAttributes(Map<String, String> attributes) {
    this.attributes = attributes;
  }
}
