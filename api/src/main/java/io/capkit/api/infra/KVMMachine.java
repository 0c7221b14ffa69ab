package io.capkit.api.infra;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** One libvirt domain (CAPI v1beta2 infrastructure machine contract). */
@Group(Infra.GROUP)
@Categories(Infra.CATEGORY)
@Version(Infra.VERSION)
@Kind("KVMMachine")
@Plural("kvmmachines")
@Singular("kvmmachine")
public class KVMMachine extends CustomResource<KVMMachineSpec, KVMMachineStatus> implements Namespaced {
}
