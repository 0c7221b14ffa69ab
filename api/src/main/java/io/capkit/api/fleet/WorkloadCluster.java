package io.capkit.api.fleet;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A workload cluster as kept in the fleet repo: one per file. Kind, singular and plural are fabric8's defaults
 * (WorkloadCluster, workloadcluster, workloadclusters; CrdsTest checks them): not declared, because the first
 * {@code new WorkloadCluster()} of a process parses every annotation of the class into a dynamic proxy class of its
 * own, ~5 ms each of a one-file {@code capkit validate}.
 */
@Group(WorkloadCluster.GROUP)
@Version(WorkloadCluster.VERSION)
@ShortNames("wc")
public class WorkloadCluster extends CustomResource<WorkloadClusterSpec, Void> implements Namespaced {
  public static final String GROUP = "fleet.capkit.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
}
