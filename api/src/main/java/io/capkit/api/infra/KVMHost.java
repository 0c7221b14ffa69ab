package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "uri", "controlPlane", "storagePool", "network"})
public class KVMHost {
  private String name;
  private String uri;
  private Boolean controlPlane;
  /** Storage pool for the machine volumes on this host; the provider's default when unset. */
  private String storagePool;
  /** libvirt network the machines attach to on this host; the provider's default when unset. */
  private String network;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public Boolean getControlPlane() {
    return controlPlane;
  }

  public void setControlPlane(Boolean controlPlane) {
    this.controlPlane = controlPlane;
  }

  public String getStoragePool() {
    return storagePool;
  }

  public void setStoragePool(String storagePool) {
    this.storagePool = storagePool;
  }

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }
}
