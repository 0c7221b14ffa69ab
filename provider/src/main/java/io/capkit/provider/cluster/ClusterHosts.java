package io.capkit.provider.cluster;

import io.capkit.api.Problem;
import io.capkit.api.TenantNamespaces;
import io.capkit.api.infra.FailureDomain;
import io.capkit.api.infra.HostCatalog;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterHost;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.infra.KvmHostRules;
import io.capkit.provider.machine.HostTarget;
import io.capkit.provider.runtime.ProviderConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hosts of a KVMCluster, resolved by name against the admins' KVMHosts: each host is one failure domain. The
 * provider trusts only what the KVMHost says (URI, pool, network, allow-lists) and checks both sides again before it
 * touches libvirt.
 */
public final class ClusterHosts {
  private final HostCatalog catalog;
  private final Path testDriverDir;

  /** {@code testDriverDir}: where test-driver node files may be hosts ({@link ProviderConfig#testDriverDir()}). */
  public ClusterHosts(HostCatalog catalog, Path testDriverDir) {
    this.catalog = catalog;
    this.testDriverDir = testDriverDir;
  }

  /** The usable hosts sorted by name, or why the KVMCluster cannot use them (then {@code hosts} is empty). */
  public record Resolution(List<HostTarget> hosts, List<Problem> problems) {
    public String message() {
      return String.join("; ", problems.stream().map(Problem::format).toList());
    }
  }

  public Resolution resolve(KVMCluster cluster) {
    if (cluster == null) {
      return new Resolution(List.of(), List.of(Problem.at("", "the KVMCluster is gone")));
    }
    String ns = cluster.getMetadata().getNamespace();
    List<Problem> problems = new ArrayList<>();
    TenantNamespaces.check(ns).ifPresent(m -> problems.add(Problem.at("metadata.namespace", m)));
    problems.addAll(KvmHostRules.checkClusterHosts(cluster.getSpec(), "spec", ns, catalog.namespaceLabels(ns),
        catalog::host));
    if (!problems.isEmpty()) {
      return new Resolution(List.of(), problems);
    }
    List<KVMClusterHost> listed = cluster.getSpec() == null || cluster.getSpec().getHosts() == null
        || cluster.getSpec().getHosts().isEmpty() ? List.of(defaultHost()) : cluster.getSpec().getHosts();
    List<HostTarget> out = new ArrayList<>();
    for (int i = 0; i < listed.size(); i++) {
      KVMClusterHost h = listed.get(i);
      KVMHostSpec spec = catalog.host(h.getName()).orElseThrow();
      if (!KvmHostRules.validateHost(h.getName(), spec, testDriverDir).isEmpty()) {
        // The admin's object is wrong (it bypassed the webhook): unusable; the details are not the tenant's.
        problems.add(Problem.at("spec.hosts[" + i + "].name", "KVMHost \"" + h.getName() + "\" breaks the KVMHost "
            + "rules; a platform admin must fix it"));
        continue;
      }
      out.add(new HostTarget(h.getName(), h.getControlPlane() == null || h.getControlPlane(), spec));
    }
    if (!problems.isEmpty()) {
      return new Resolution(List.of(), problems);
    }
    out.sort(Comparator.comparing(HostTarget::name));
    return new Resolution(List.copyOf(out), List.of());
  }

  /** The admins' KVMHost {@code name} as it stands now (for its sshKeySecretRef when a machine is deleted). */
  public Optional<KVMHostSpec> admin(String name) {
    return catalog.host(name);
  }

  /** Whether a libvirt URI recorded in a machine's status may be connected to (the admin-side URI rules). */
  public boolean usableUri(String uri) {
    return KvmHostRules.checkLibvirtUri(uri, "uri", testDriverDir).isEmpty();
  }

  private static KVMClusterHost defaultHost() {
    KVMClusterHost h = new KVMClusterHost();
    h.setName(KvmHostRules.DEFAULT_HOST);
    return h;
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
}
