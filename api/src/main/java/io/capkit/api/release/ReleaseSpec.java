package io.capkit.api.release;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Optional;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"apps", "components", "date", "state"})
public class ReleaseSpec {
  @JsonPropertyDescription("Apps installed into every workload cluster of this release (Flux HelmReleases).")
  private List<ReleaseApp> apps;
  @Required
  @JsonPropertyDescription("Component versions; 'kubernetes' is required.")
  private List<ReleaseComponent> components;
  @Required
  @JsonPropertyDescription("Release date, RFC 3339.")
  private String date;
  @Required
  private ReleaseState state;

  public List<ReleaseApp> getApps() {
    return apps;
  }

  public void setApps(List<ReleaseApp> apps) {
    this.apps = apps;
  }

  public List<ReleaseComponent> getComponents() {
    return components;
  }

  public void setComponents(List<ReleaseComponent> components) {
    this.components = components;
  }

  public String getDate() {
    return date;
  }

  public void setDate(String date) {
    this.date = date;
  }

  public ReleaseState getState() {
    return state;
  }

  public void setState(ReleaseState state) {
    this.state = state;
  }

  /** The version of a component, if the release lists it. */
  public Optional<String> component(String name) {
    return components == null ? Optional.empty()
        : components.stream().filter(c -> name.equals(c.getName())).map(ReleaseComponent::getVersion).findFirst();
  }
}
