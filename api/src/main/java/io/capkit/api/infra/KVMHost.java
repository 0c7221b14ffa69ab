package io.capkit.api.infra;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A hypervisor host, written by platform admins (cluster-scoped, like CAPV's VSphereClusterIdentity): where libvirt
 * is, which pool and network machines use, which base images and host directories they may use, and which
 * namespaces may place machines on it. Tenants refer to it by name from a KVMCluster and set nothing else of it.
 */
@Group(Infra.GROUP)
@Categories(Infra.CATEGORY)
@Version(Infra.VERSION)
@Kind("KVMHost")
@Plural("kvmhosts")
@Singular("kvmhost")
public class KVMHost extends CustomResource<KVMHostSpec, Void> {
}
