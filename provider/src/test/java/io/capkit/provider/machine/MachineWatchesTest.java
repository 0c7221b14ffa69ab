package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import io.fabric8.kubernetes.client.utils.Serialization;
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

  /** A Machine as CAPI v1beta2 has it once the bootstrap data is named, before the providerID is copied. */
  static GenericKubernetesResource capiMachine() {
    return Serialization.unmarshal("""
        {"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Machine",
         "metadata": {"namespace": "ns", "name": "md-0-abc", "generation": 2, "resourceVersion": "100",
           "labels": {"cluster.x-k8s.io/cluster-name": "c1", "cluster.x-k8s.io/deployment-name": "md-0",
             "cluster.x-k8s.io/set-name": "md-0-x"},
           "annotations": {"machine.cluster.x-k8s.io/exclude-node-draining": "false"},
           "ownerReferences": [{"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "MachineSet", "name": "md-0-x",
             "uid": "u1", "controller": true}],
           "finalizers": ["machine.cluster.x-k8s.io"]},
         "spec": {"clusterName": "c1", "version": "v1.33.1",
           "bootstrap": {"configRef": {"apiGroup": "bootstrap.cluster.x-k8s.io", "kind": "KubeadmConfig",
             "name": "md-0-abc"}, "dataSecretName": "md-0-abc"},
           "infrastructureRef": {"apiGroup": "infrastructure.cluster.x-k8s.io", "kind": "KVMMachine", "name": "md-0-abc"},
           "failureDomain": "host-1"},
         "status": {"phase": "Provisioning", "conditions": [{"type": "Ready", "status": "False", "reason": "x",
           "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}""", GenericKubernetesResource.class);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(GenericKubernetesResource o, String... path) {
    Object cur = o.getAdditionalProperties();
    for (String p : path) {
      cur = ((Map<String, Object>) cur).get(p);
    }
    return (Map<String, Object>) cur;
  }

  static boolean counts(Consumer<GenericKubernetesResource> change) {
    GenericKubernetesResource old = capiMachine();
    GenericKubernetesResource updated = capiMachine();
    change.accept(updated);
    return MachineWatches.machineChangeCounts(updated, old);
  }

  @Test
  void machineUpdatesCountOnlyForWhatTheReconcilerReads() {
    assertFalse(counts(m -> { }), "no change");
    // What the KVMMachine reconciler reads of its Machine.
    assertTrue(counts(m -> map(m, "spec", "bootstrap").put("dataSecretName", "other")), "dataSecretName changed");
    assertTrue(counts(m -> map(m, "spec", "bootstrap").remove("dataSecretName")), "dataSecretName gone");
    GenericKubernetesResource before = capiMachine();
    map(before, "spec", "bootstrap").remove("dataSecretName");
    assertTrue(MachineWatches.machineChangeCounts(capiMachine(), before), "dataSecretName appearing");
    assertTrue(counts(m -> map(m, "spec").put("clusterName", "c2")), "spec.clusterName");
    assertTrue(counts(m -> map(m, "spec").put("failureDomain", "host-2")), "spec.failureDomain");
    assertTrue(counts(m -> map(m, "spec").remove("failureDomain")), "spec.failureDomain removed");
    assertTrue(counts(m -> map(m, "spec", "infrastructureRef").put("name", "other")), "infrastructureRef name");
    assertTrue(counts(m -> map(m, "spec", "infrastructureRef").put("kind", "Metal3Machine")), "infrastructureRef kind");
    assertTrue(counts(m -> m.getMetadata().getLabels().put("cluster.x-k8s.io/control-plane", "")),
        "control-plane label");
    assertTrue(counts(m -> m.getMetadata().setAnnotations(Map.of("cluster.x-k8s.io/paused", ""))), "paused annotation");
    assertTrue(counts(m -> m.getMetadata().setDeletionTimestamp("2026-01-01T00:00:01Z")), "deletion");
    // What CAPI changes on a Machine while the provider has nothing to do.
    assertFalse(counts(m -> map(m, "spec").put("providerID", "kvm://host-1/uuid")), "providerID copied by CAPI");
    assertFalse(counts(m -> m.getMetadata().setGeneration(3L)), "generation alone");
    assertFalse(counts(m -> m.getMetadata().setResourceVersion("101")), "resourceVersion");
    assertFalse(counts(m -> map(m, "status").put("phase", "Provisioned")), "status.phase");
    assertFalse(counts(m -> m.getAdditionalProperties().put("status", Map.of("nodeRef", Map.of("name", "n1")))),
        "status.nodeRef");
    assertFalse(counts(m -> map(m, "spec").put("version", "v1.34.0")), "spec.version");
    assertFalse(counts(m -> m.getMetadata().getLabels().put("cluster.x-k8s.io/set-name", "md-0-y")), "another label");
    assertFalse(counts(m -> m.getMetadata().getAnnotations().put("example.org/note", "x")), "another annotation");
    assertFalse(counts(m -> m.getMetadata().setFinalizers(java.util.List.of())), "finalizers");
    assertFalse(counts(m -> m.getMetadata().setOwnerReferences(java.util.List.of())), "owner references");
  }
}
