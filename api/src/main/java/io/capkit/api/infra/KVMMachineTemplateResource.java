package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"spec"})
public class KVMMachineTemplateResource {
  private KVMMachineSpec spec;

  public KVMMachineSpec getSpec() {
    return spec;
  }

  public void setSpec(KVMMachineSpec spec) {
    this.spec = spec;
  }
}
