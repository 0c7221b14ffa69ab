package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"metadata", "spec"})
public class KVMMachineTemplateResource {
  /** Labels and annotations CAPI copies onto the KVMMachines it clones from this template. */
  private TemplateMetadata metadata;
  private KVMMachineSpec spec;

  public TemplateMetadata getMetadata() {
    return metadata;
  }

  public void setMetadata(TemplateMetadata metadata) {
    this.metadata = metadata;
  }

  public KVMMachineSpec getSpec() {
    return spec;
  }

  public void setSpec(KVMMachineSpec spec) {
    this.spec = spec;
  }
}
