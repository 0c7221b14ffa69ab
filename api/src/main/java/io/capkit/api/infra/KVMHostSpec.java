package io.capkit.api.infra;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"uri", "storagePool", "network", "sshKeySecretRef", "baseImages", "sharedDirectories",
    "allowedNamespaces"})
public class KVMHostSpec {
  @JsonPropertyDescription("libvirt URI, e.g. qemu+ssh://root@kvm-1.example.org/system; no query parameters.")
  private String uri;
  @JsonPropertyDescription("libvirt storage pool holding the machines' volumes and the base images.")
  private String storagePool;
  @JsonPropertyDescription("libvirt network the machines attach to.")
  private String network;
  @JsonPropertyDescription("SSH private key for qemu+ssh URIs: a Secret in the provider's own namespace.")
  private SecretKeyReference sshKeySecretRef;
  @JsonPropertyDescription("Volumes in storagePool that machines may use as base image; nothing else is.")
  private List<String> baseImages;
  @JsonPropertyDescription("Host directories machines may share in (hostVolumes, etcdStorage.hostPath); read-only "
      + "unless writable.")
  private List<SharedDirectory> sharedDirectories;
  @JsonPropertyDescription("Namespaces whose KVMClusters may use this host; none when unset.")
  private AllowedNamespaces allowedNamespaces;

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

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  public SecretKeyReference getSshKeySecretRef() {
    return sshKeySecretRef;
  }

  public void setSshKeySecretRef(SecretKeyReference sshKeySecretRef) {
    this.sshKeySecretRef = sshKeySecretRef;
  }

  public List<String> getBaseImages() {
    return baseImages;
  }

  public void setBaseImages(List<String> baseImages) {
    this.baseImages = baseImages;
  }

  public List<SharedDirectory> getSharedDirectories() {
    return sharedDirectories;
  }

  public void setSharedDirectories(List<SharedDirectory> sharedDirectories) {
    this.sharedDirectories = sharedDirectories;
  }

  public AllowedNamespaces getAllowedNamespaces() {
    return allowedNamespaces;
  }

  public void setAllowedNamespaces(AllowedNamespaces allowedNamespaces) {
    this.allowedNamespaces = allowedNamespaces;
  }
}
