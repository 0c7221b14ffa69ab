package io.capkit.api.infra;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Infrastructure cluster for the KVM provider (CAPI v1beta2 infrastructure contract). */
@Group(Infra.GROUP)
@Categories(Infra.CATEGORY)
@Version(Infra.VERSION)
@Kind("KVMCluster")
@Plural("kvmclusters")
@Singular("kvmcluster")
public class KVMCluster extends CustomResource<KVMClusterSpec, KVMClusterStatus> implements Namespaced {
}
