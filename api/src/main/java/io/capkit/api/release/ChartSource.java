package io.capkit.api.release;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;

/** A Helm chart location: an https:// or oci:// repository and the chart name in it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"repository", "name"})
public class ChartSource {
  @Required
  @JsonPropertyDescription("Helm repository URL, https:// or oci://.")
  private String repository;
  @JsonPropertyDescription("Chart name; defaults to the app name.")
  private String name;

  public String getRepository() {
    return repository;
  }

  public void setRepository(String repository) {
    this.repository = repository;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
