package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One host a KVMCluster places machines on, named by its cluster-scoped {@link KVMHost}: the tenant picks hosts by
 * name and says which of them take control-plane machines; URI, pool, network and credentials stay with the admin.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "controlPlane"})
public class KVMClusterHost {
  @JsonPropertyDescription("Name of a cluster-scoped KVMHost that allows this namespace; also the failure domain.")
  private String name;
  @JsonPropertyDescription("Whether control-plane machines may run on this host (default true).")
  private Boolean controlPlane;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getControlPlane() {
    return controlPlane;
  }

  public void setControlPlane(Boolean controlPlane) {
    this.controlPlane = controlPlane;
  }
}
