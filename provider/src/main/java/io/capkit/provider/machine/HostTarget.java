package io.capkit.provider.machine;

import io.capkit.api.infra.KVMHostSpec;
import java.util.Objects;

/**
 * One KVM host as the provider uses it: the failure-domain name, whether the KVMCluster puts control-plane machines
 * on it, and the admin's {@link KVMHostSpec} (URI, pool, network, and what machines may use).
 */
public record HostTarget(String name, boolean controlPlane, KVMHostSpec admin) {
  public HostTarget {
    Objects.requireNonNull(admin, "admin");
  }

  /** A host that allows no base image and no shared directory (tests of what needs neither). */
  public HostTarget(String name, String uri, boolean controlPlane, String pool, String network) {
    this(name, controlPlane, spec(uri, pool, network));
  }

  public String uri() {
    return admin.getUri();
  }

  public String pool() {
    return admin.getStoragePool();
  }

  public String network() {
    return admin.getNetwork();
  }

  private static KVMHostSpec spec(String uri, String pool, String network) {
    KVMHostSpec s = new KVMHostSpec();
    s.setUri(uri);
    s.setStoragePool(pool);
    s.setNetwork(network);
    return s;
  }
}
