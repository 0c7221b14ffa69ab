package io.capkit.provider.runtime;

import io.capkit.provider.libvirt.EmbeddedHost;
import java.util.Set;

/**
 * Typed provider settings ({@link ProviderRunCommand} reads them from flags). Hosts are KVMHost objects;
 * {@code libvirtUri}, {@code storagePool} and {@code network} no longer place machines (see docs/security.md).
 * {@code testDriverDir}: where libvirt test-driver node files may serve as KVMHost URIs (null: only
 * {@code test:///default}). {@code providerNamespace}: the provider's own namespace, where the KVMHosts'
 * {@code sshKeySecretRef} Secrets are read.
 */
public record ProviderConfig(
    String libvirtUri,
    String storagePool,
    String network,
    String bindAddress,
    int httpPort,
    Set<String> namespaces,
    boolean leaderElection,
    String leaseNamespace,
    int reconcileThreads,
    java.nio.file.Path testDriverDir,
    String providerNamespace) {

  public static final String DEFAULT_HOST = "default";
  /** The embedded test-driver host ({@link EmbeddedHost}): pool and network below, the default base image. */
  public static final String DEFAULT_URI = EmbeddedHost.URI;
  public static final String DEFAULT_POOL = "default";
  public static final String DEFAULT_NETWORK = "default";
  /** Where provider/config installs the provider (the pod's namespace, POD_NAMESPACE, when run there). */
  public static final String DEFAULT_PROVIDER_NAMESPACE = "capk-system";

  public ProviderConfig {
    namespaces = Set.copyOf(namespaces);
    java.util.Objects.requireNonNull(providerNamespace, "providerNamespace");
  }

  /** In {@value #DEFAULT_PROVIDER_NAMESPACE}. */
  public ProviderConfig(String libvirtUri, String storagePool, String network, String bindAddress, int httpPort,
      Set<String> namespaces, boolean leaderElection, String leaseNamespace, int reconcileThreads,
      java.nio.file.Path testDriverDir) {
    this(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection, leaseNamespace,
        reconcileThreads, testDriverDir, DEFAULT_PROVIDER_NAMESPACE);
  }

  /** Without test-driver node files as hosts (only test:///default). */
  public ProviderConfig(String libvirtUri, String storagePool, String network, String bindAddress, int httpPort,
      Set<String> namespaces, boolean leaderElection, String leaseNamespace, int reconcileThreads) {
    this(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection, leaseNamespace,
        reconcileThreads, null);
  }

  /**
   * Lets KVMHosts name libvirt test-driver node files ({@code test:///<file>}) below {@code dir}: for benchmarks and
   * tests that need several separate test hosts in one provider. The admission webhook never allows them.
   */
  public ProviderConfig withTestDriverDir(java.nio.file.Path dir) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection,
        leaseNamespace, reconcileThreads, dir, providerNamespace);
  }

  /** Embedded test driver, pool and network "default", HTTP on 8080, all namespaces, no leader election. */
  public static ProviderConfig defaults() {
    return new ProviderConfig(DEFAULT_URI, DEFAULT_POOL, DEFAULT_NETWORK, "0.0.0.0", 8080, Set.of(), false, null, 50);
  }

  public ProviderConfig withLibvirtUri(String uri) {
    return new ProviderConfig(uri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection,
        leaseNamespace, reconcileThreads, testDriverDir, providerNamespace);
  }

  public ProviderConfig withHttp(String address, int port) {
    return new ProviderConfig(libvirtUri, storagePool, network, address, port, namespaces, leaderElection,
        leaseNamespace, reconcileThreads, testDriverDir, providerNamespace);
  }

  public ProviderConfig withLeaderElection(String leaseNs) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, true, leaseNs,
        reconcileThreads, testDriverDir, providerNamespace);
  }

  public ProviderConfig withNamespaces(Set<String> ns) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, ns, leaderElection,
        leaseNamespace, reconcileThreads, testDriverDir, providerNamespace);
  }

  /** Reads the KVMHosts' SSH key Secrets in {@code ns}. */
  public ProviderConfig withProviderNamespace(String ns) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection,
        leaseNamespace, reconcileThreads, testDriverDir, ns);
  }
}
