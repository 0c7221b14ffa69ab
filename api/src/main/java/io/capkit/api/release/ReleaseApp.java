package io.capkit.api.release;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "version", "componentVersion", "chart"})
public class ReleaseApp {
  @Required
  private String name;
  @Required
  @JsonPropertyDescription("Chart version.")
  private String version;
  @JsonPropertyDescription("Version of the upstream component the chart installs.")
  private String componentVersion;
  @JsonPropertyDescription("Where the chart comes from; defaults to the release's default repository.")
  private ChartSource chart;

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

  public String getComponentVersion() {
    return componentVersion;
  }

  public void setComponentVersion(String componentVersion) {
    this.componentVersion = componentVersion;
  }

  public ChartSource getChart() {
    return chart;
  }

  public void setChart(ChartSource chart) {
    this.chart = chart;
  }
}
