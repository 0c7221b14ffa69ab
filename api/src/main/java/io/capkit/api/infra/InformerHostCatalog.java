package io.capkit.api.infra;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * KVMHosts and namespace labels from the API server through two informers (both cluster-wide, read from the local
 * cache). The webhook and the provider each hold one; reads never call the API server.
 */
public final class InformerHostCatalog implements HostCatalog, AutoCloseable {
  private final SharedIndexInformer<KVMHost> hosts;
  private final SharedIndexInformer<Namespace> namespaces;

  public InformerHostCatalog(KubernetesClient client) {
    this.hosts = client.resources(KVMHost.class).runnableInformer(0);
    this.namespaces = client.namespaces().runnableInformer(0);
    hosts.start();
    namespaces.start();
  }

  @Override
  public Optional<KVMHostSpec> host(String name) {
    // KVMHost is cluster-scoped: the cache key is the bare name.
    return Optional.ofNullable(hosts.getStore().getByKey(name)).map(KVMHost::getSpec);
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace ns = namespaces.getStore().getByKey(namespace);
    if (ns == null || ns.getMetadata().getLabels() == null) {
      return Map.of(NAME_LABEL, namespace);
    }
    return ns.getMetadata().getLabels();
  }

  @Override
  public Map<String, KVMHostSpec> hostsFor(String namespace) {
    Map<String, String> labels = namespaceLabels(namespace);
    Map<String, KVMHostSpec> out = new TreeMap<>();
    for (KVMHost h : hosts.getStore().list()) {
      if (h.getSpec() != null && KvmHostRules.allows(h.getSpec(), namespace, labels)) {
        out.put(h.getMetadata().getName(), h.getSpec());
      }
    }
    return out;
  }

  @Override
  public boolean ready() {
    return hosts.hasSynced() && namespaces.hasSynced();
  }

  @Override
  public void close() {
    hosts.close();
    namespaces.close();
  }
}
