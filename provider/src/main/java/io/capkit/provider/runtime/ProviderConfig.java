package io.capkit.provider.runtime;

import io.capkit.provider.libvirt.EmbeddedHost;
import java.util.Set;

/**
 * Typed provider settings ({@link ProviderRunCommand} reads them from flags). {@code libvirtUri}, {@code storagePool}
 * and {@code network} are the default host: the one used when a KVMCluster lists no hosts (host name
 * {@value #DEFAULT_HOST}), and the values of hosts that name none.
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
    int reconcileThreads) {

  public static final String DEFAULT_HOST = "default";
  /** The embedded test-driver host ({@link EmbeddedHost}): pool and network below, the default base image. */
  public static final String DEFAULT_URI = EmbeddedHost.URI;
  public static final String DEFAULT_POOL = "default";
  public static final String DEFAULT_NETWORK = "default";

  public ProviderConfig {
    namespaces = Set.copyOf(namespaces);
  }

  /** Embedded test driver, pool and network "default", HTTP on 8080, all namespaces, no leader election. */
  public static ProviderConfig defaults() {
    return new ProviderConfig(DEFAULT_URI, DEFAULT_POOL, DEFAULT_NETWORK, "0.0.0.0", 8080, Set.of(), false, null, 50);
  }

  public ProviderConfig withLibvirtUri(String uri) {
    return new ProviderConfig(uri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection,
        leaseNamespace, reconcileThreads);
  }

  public ProviderConfig withHttp(String address, int port) {
    return new ProviderConfig(libvirtUri, storagePool, network, address, port, namespaces, leaderElection,
        leaseNamespace, reconcileThreads);
  }

  public ProviderConfig withLeaderElection(String leaseNs) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, true, leaseNs,
        reconcileThreads);
  }

  public ProviderConfig withNamespaces(Set<String> ns) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, ns, leaderElection,
        leaseNamespace, reconcileThreads);
  }
}
