package io.capkit.provider.cluster;

import io.capkit.api.infra.FailureDomain;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMHost;
import io.capkit.provider.machine.HostTarget;
import io.capkit.provider.runtime.ProviderConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The hosts of a KVMCluster with the provider's defaults filled in; each host is one failure domain. */
public final class ClusterHosts {
  private ClusterHosts() {}

  /** Hosts sorted by name; a KVMCluster without hosts has one, {@value ProviderConfig#DEFAULT_HOST}. */
  public static List<HostTarget> of(KVMCluster cluster, ProviderConfig config) {
    List<KVMHost> hosts = cluster == null || cluster.getSpec() == null || cluster.getSpec().getHosts() == null
        ? List.of() : cluster.getSpec().getHosts();
    List<HostTarget> out = new ArrayList<>();
    if (hosts.isEmpty()) {
      out.add(new HostTarget(ProviderConfig.DEFAULT_HOST, config.libvirtUri(), true, config.storagePool(),
          config.network()));
    }
    for (KVMHost h : hosts) {
      out.add(new HostTarget(h.getName(), or(h.getUri(), config.libvirtUri()),
          h.getControlPlane() == null || h.getControlPlane(), or(h.getStoragePool(), config.storagePool()),
          or(h.getNetwork(), config.network())));
    }
    out.sort(Comparator.comparing(HostTarget::name));
    return List.copyOf(out);
  }

  public static Optional<HostTarget> find(List<HostTarget> hosts, String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
  }

  /** status.failureDomains: a list of {name, controlPlane, attributes}, sorted by name. */
  public static List<FailureDomain> failureDomains(List<HostTarget> hosts) {
    List<FailureDomain> out = new ArrayList<>();
    for (HostTarget h : hosts) {
      FailureDomain fd = new FailureDomain();
      fd.setName(h.name());
      fd.setControlPlane(h.controlPlane());
      fd.setAttributes(new java.util.TreeMap<>(Map.of("storagePool", h.pool(), "network", h.network())));
      out.add(fd);
    }
    return out;
  }

  private static String or(String v, String fallback) {
    return v == null || v.isBlank() ? fallback : v;
  }
}
