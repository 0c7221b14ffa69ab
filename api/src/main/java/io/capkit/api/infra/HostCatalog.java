package io.capkit.api.infra;

import java.util.Map;
import java.util.Optional;

/**
 * What the tenancy rules need to know about the management cluster: the admins' KVMHosts by name and the labels of
 * a namespace (for allowedNamespaces.selector). Informer-backed in the webhook and the provider
 * ({@link InformerHostCatalog}); offline (renderer, {@code capkit validate}) it is the fleet repo's host files, and
 * a namespace's labels are only {@value #NAME_LABEL}, which the API server sets on every namespace.
 */
public interface HostCatalog {
  /** The label the API server puts on every namespace, with its name as value. */
  String NAME_LABEL = "kubernetes.io/metadata.name";

  Optional<KVMHostSpec> host(String name);

  Map<String, String> namespaceLabels(String namespace);

  /** True once the catalog can answer (its caches have synced). */
  default boolean ready() {
    return true;
  }

  /** Every host a namespace may use, by name. */
  default Map<String, KVMHostSpec> hostsFor(String namespace) {
    return Map.of();
  }

  /** A catalog from fixed maps (offline checks and tests); namespaces carry only {@value #NAME_LABEL}. */
  static HostCatalog of(Map<String, KVMHostSpec> hosts) {
    Map<String, KVMHostSpec> copy = Map.copyOf(hosts);
    return new HostCatalog() {
      @Override
      public Optional<KVMHostSpec> host(String name) {
        return Optional.ofNullable(copy.get(name));
      }

      @Override
      public Map<String, String> namespaceLabels(String namespace) {
        return Map.of(NAME_LABEL, namespace);
      }

      @Override
      public Map<String, KVMHostSpec> hostsFor(String namespace) {
        Map<String, KVMHostSpec> out = new java.util.TreeMap<>();
        copy.forEach((n, h) -> {
          if (KvmHostRules.allows(h, namespace, namespaceLabels(namespace))) {
            out.put(n, h);
          }
        });
        return out;
      }
    };
  }
}
