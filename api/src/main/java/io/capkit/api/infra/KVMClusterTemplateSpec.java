package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"template"})
public class KVMClusterTemplateSpec {
  private KVMClusterTemplateResource template;

  public KVMClusterTemplateResource getTemplate() {
    return template;
  }

  public void setTemplate(KVMClusterTemplateResource template) {
    this.template = template;
  }
}
