package io.capkit.api.release;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "version", "releaseOperatorDeploy"})
public class ReleaseComponent {
  @Required
  private String name;
  @Required
  private String version;
  private Boolean releaseOperatorDeploy;

  public ReleaseComponent() {}

  public ReleaseComponent(String name, String version) {
    this.name = name;
    this.version = version;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public Boolean getReleaseOperatorDeploy() {
    return releaseOperatorDeploy;
  }

  public void setReleaseOperatorDeploy(Boolean releaseOperatorDeploy) {
    this.releaseOperatorDeploy = releaseOperatorDeploy;
  }
}
