package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of the watches: which object a CAPI object's event concerns. */
class MachineWatchesTest {

  static GenericKubernetesResource withRef(String kind, String apiGroup, String name) {
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("owner").build());
    Map<String, Object> ref = new HashMap<>();
    ref.put("kind", kind);
    ref.put("name", name);
    if (apiGroup != null) {
      ref.put("apiGroup", apiGroup);
    }
    o.setAdditionalProperty("spec", Map.of("infrastructureRef", ref));
    return o;
  }

  @Test
  void machineEventsGoToTheKvmMachineItsInfrastructureRefNames() {
    assertEquals(Set.of(new ResourceID("w-1", "ns")),
        MachineWatches.kvmMachineOf(withRef("KVMMachine", "infrastructure.cluster.x-k8s.io", "w-1")));
    assertEquals(Set.of(), MachineWatches.kvmMachineOf(withRef("Metal3Machine", "infrastructure.cluster.x-k8s.io",
        "w-1")), "another provider's machine");
    assertEquals(Set.of(), MachineWatches.kvmMachineOf(withRef("KVMMachine", "example.org", "w-1")),
        "a KVMMachine kind of another group");
    GenericKubernetesResource noRef = new GenericKubernetesResource();
    noRef.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("m").build());
    assertEquals(Set.of(), MachineWatches.kvmMachineOf(noRef));
  }
}
