package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Where a machine's domain and volumes were created, recorded before the first libvirt call: deletion removes them
 * from here even after the KVMHost's URI or pool was edited or the host was removed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"host", "uri", "storagePool"})
public class LibvirtPlacement {
  @JsonPropertyDescription("The KVMHost the machine was placed on.")
  private String host;
  @JsonPropertyDescription("The libvirt URI the domain was defined through.")
  private String uri;
  @JsonPropertyDescription("The storage pool holding the machine's volumes.")
  private String storagePool;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getStoragePool() {
    return storagePool;
  }

  public void setStoragePool(String storagePool) {
    this.storagePool = storagePool;
  }
}
