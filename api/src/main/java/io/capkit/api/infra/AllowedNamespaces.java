package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Which namespaces may use a host (CAPV's allowedNamespaces): listed by name or selected by label; unset: none. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"list", "selector"})
public class AllowedNamespaces {
  @JsonPropertyDescription("Namespace names.")
  private List<String> list;
  @JsonPropertyDescription("Namespaces whose labels match; an empty selector matches every namespace.")
  private LabelSelector selector;

  public List<String> getList() {
    return list;
  }

  public void setList(List<String> list) {
    this.list = list;
  }

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }
}
