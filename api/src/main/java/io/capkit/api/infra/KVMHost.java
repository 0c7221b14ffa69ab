package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "uri", "controlPlane"})
public class KVMHost {
  private String name;
  private String uri;
  private Boolean controlPlane;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public Boolean getControlPlane() {
    return controlPlane;
  }

  public void setControlPlane(Boolean controlPlane) {
    this.controlPlane = controlPlane;
  }
}
