package io.capkit.provider.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Metal3Cluster may be adopted and which owner reference of a KVMCluster names its Cluster (pure). */
class Metal3AdoptionTest {
  private static GenericKubernetesResource m3(Map<String, String> labels, List<OwnerReference> owners,
      String deleted) {
    GenericKubernetesResource m = new GenericKubernetesResource();
    m.setMetadata(new ObjectMetaBuilder().withName("c1").withNamespace("ns").withLabels(labels)
        .withOwnerReferences(owners).withDeletionTimestamp(deleted).build());
    return m;
  }

  private static OwnerReference ref(String apiVersion, String kind, String name, String uid) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(uid).build();
  }

  @Test
  void onlyAnUnownedLiveObjectLabelledForTheCluster() {
    Map<String, String> mine = Map.of("cluster.x-k8s.io/cluster-name", "c1");
    assertTrue(Metal3Adoption.adoptable(m3(mine, List.of(), null), "c1"));
    assertFalse(Metal3Adoption.adoptable(m3(Map.of("cluster.x-k8s.io/cluster-name", "c2"), List.of(), null), "c1"));
    assertFalse(Metal3Adoption.adoptable(m3(Map.of(), List.of(), null), "c1"), "unlabelled");
    assertFalse(Metal3Adoption.adoptable(m3(mine, List.of(ref("v1", "ConfigMap", "x", "u")), null), "c1"));
    assertFalse(Metal3Adoption.adoptable(m3(mine, List.of(), "2026-01-01T00:00:00Z"), "c1"), "being deleted");
  }

  @Test
  void theOwnerIsTheCapiClusterWithAUid() {
    KVMCluster kc = new KVMCluster();
    kc.setMetadata(new ObjectMetaBuilder().withName("c1").withOwnerReferences(
        ref("example.org/v1", "Cluster", "fake", "u1"), ref("cluster.x-k8s.io/v1beta2", "Cluster", "c1", "")).build());
    assertTrue(Metal3Adoption.clusterOwner(kc).isEmpty(), "other group, or no uid");
    kc.getMetadata().getOwnerReferences().add(ref("cluster.x-k8s.io/v1beta2", "Cluster", "c1", "u2"));
    assertEquals("u2", Metal3Adoption.clusterOwner(kc).orElseThrow().getUid());
  }
}
