package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"provisioned"})
public class Initialization {
  private Boolean provisioned;

  public Boolean getProvisioned() {
    return provisioned;
  }

  public void setProvisioned(Boolean provisioned) {
    this.provisioned = provisioned;
  }
}
