package io.capkit.renderer;

import io.capkit.api.contract.Layer;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.infra.HostCatalog;

/**
 * One WorkloadCluster found in the fleet, with where it sits and the default layers above it.
 *
 * @param managementCluster the management cluster folder name
 * @param organization      the organization folder name
 * @param path              its file, relative to the fleet root
 * @param file              its file as shown in messages
 * @param namespace         metadata.namespace, or the organization's namespace
 * @param namespaceOrigin   where the namespace came from, for {@code capkit explain}
 * @param hosts             the management cluster's KVMHost files, or null when it has none in the fleet
 */
public record FleetCluster(String managementCluster, String organization, String path, String file,
                           WorkloadCluster cluster, String namespace, String namespaceOrigin,
                           Layer managementClusterDefaults, Layer organizationDefaults, HostCatalog hosts) {
  public String name() {
    return cluster.getMetadata().getName();
  }

  /** The output folder, mirroring the fleet layout. */
  public String folder() {
    return path.substring(0, path.lastIndexOf('/'));
  }

  /** {@code namespace/name}, how users select a cluster. */
  public String key() {
    // No invokedynamic (as + would make): see the warnings in Renderer#resolve.
    return String.valueOf(namespace).concat("/").concat(String.valueOf(name()));
  }
}
