package io.capkit.api.infra;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Immutable template of KVMMachines. */
@Group(Infra.GROUP)
@Categories(Infra.CATEGORY)
@Version(Infra.VERSION)
@Kind("KVMMachineTemplate")
@Plural("kvmmachinetemplates")
@Singular("kvmmachinetemplate")
public class KVMMachineTemplate extends CustomResource<KVMMachineTemplateSpec, Void> implements Namespaced {
}
