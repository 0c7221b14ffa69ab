package io.capkit.api.fleet;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A workload cluster as kept in the fleet repo: one per file. Kind and singular are fabric8's defaults (WorkloadCluster,
 * workloadcluster; CrdsTest checks them): not declared, because the first {@code new WorkloadCluster()} of a process
 * parses every annotation of the class into a dynamic proxy class of its own (~5 ms each). The plural is declared:
 * without it fabric8's {@code CustomResource} constructor derives it twice per object (plural and CRD name) through
 * {@code Pluralize}, ~19 case-insensitive regular expressions, ~16 µs per object compiled by C1 (10,000 objects 160 ms
 * against 13 ms), which a render builds once per cluster; the first object costs the same either way.
 */
@Group(WorkloadCluster.GROUP)
@Version(WorkloadCluster.VERSION)
@Plural("workloadclusters")
@ShortNames("wc")
public class WorkloadCluster extends CustomResource<WorkloadClusterSpec, Void> implements Namespaced {
  public static final String GROUP = "fleet.capkit.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
}
