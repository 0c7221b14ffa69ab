package io.capkit.api.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * Defaults for a management cluster or an organization in the fleet repo ({@code defaults.yaml}). Not served
 * by any API server: a plain document read with {@link io.capkit.api.yaml.StrictReader}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"apiVersion", "kind", "namespace", "variables"})
public class FleetDefaults {
  public static final String API_VERSION = WorkloadCluster.API_VERSION;
  public static final String KIND = "FleetDefaults";

  private String apiVersion;
  private String kind;

  @JsonPropertyDescription("Organization level only: the namespace of the organization's clusters (default org-<org>).")
  private String namespace;

  @JsonPropertyDescription("Contract variables, layered below the clusters' own values.")
  private Map<String, Object> variables;

  public String getApiVersion() {
    return apiVersion;
  }

  public void setApiVersion(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public Map<String, Object> getVariables() {
    return variables;
  }

  public void setVariables(Map<String, Object> variables) {
    this.variables = variables;
  }
}
