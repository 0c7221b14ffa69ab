package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"spec"})
public class KVMClusterTemplateResource {
  private KVMClusterSpec spec;

  public KVMClusterSpec getSpec() {
    return spec;
  }

  public void setSpec(KVMClusterSpec spec) {
    this.spec = spec;
  }
}
