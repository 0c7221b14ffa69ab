package io.capkit.api.fleet;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A workload cluster as kept in the fleet repo: one per file. */
@Group(WorkloadCluster.GROUP)
@Version(WorkloadCluster.VERSION)
@Kind("WorkloadCluster")
@Plural("workloadclusters")
@Singular("workloadcluster")
@ShortNames("wc")
public class WorkloadCluster extends CustomResource<WorkloadClusterSpec, Void> implements Namespaced {
  public static final String GROUP = "fleet.capkit.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
}
