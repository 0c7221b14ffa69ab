package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"controlPlaneEndpoint", "hosts"})
public class KVMClusterSpec {
  private io.capkit.api.fleet.ApiEndpoint controlPlaneEndpoint;
  private List<KVMClusterHost> hosts;

  public io.capkit.api.fleet.ApiEndpoint getControlPlaneEndpoint() {
    return controlPlaneEndpoint;
  }

  public void setControlPlaneEndpoint(io.capkit.api.fleet.ApiEndpoint controlPlaneEndpoint) {
    this.controlPlaneEndpoint = controlPlaneEndpoint;
  }

  public List<KVMClusterHost> getHosts() {
    return hosts;
  }

  public void setHosts(List<KVMClusterHost> hosts) {
    this.hosts = hosts;
  }
}
