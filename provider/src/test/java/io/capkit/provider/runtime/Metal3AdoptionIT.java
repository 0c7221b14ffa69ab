package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.capkit.api.infra.KVMCluster;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kvm-metal3's second infrastructure cluster against a real kube-apiserver with the upstream CAPI and CAPM3 CRDs and
 * the provider running: the Metal3Cluster named like the KVMCluster gets the owner Cluster once the KVMCluster has
 * it, and is deleted before the KVMCluster's finalizer goes; one labelled for another cluster, or already owned, is
 * left as it was.
 */
@ExtendWith(KubeApiServerExtension.class)
class Metal3AdoptionIT {
  private static final String ADOPT = "m3-adopt";
  private static final String OTHER = "m3-other";
  private static final String OWNED = "m3-owned";

  @TempDir
  static Path tmp;
  static KubernetesClient client;
  static TestDriverProvider running;

  @BeforeAll
  static void start(KubernetesClient apiClient) {
    client = apiClient;
    running = TestDriverProvider.start(tmp, client, Set.of(ADOPT, OTHER, OWNED));
  }

  @AfterAll
  static void stop() {
    TestDriverProvider.close(running);
  }

  /** As the renderer writes it for kvm-metal3 (v1beta2): the Cluster's name, its label, the same endpoint. */
  private static GenericKubernetesResource metal3Cluster(String ns, String clusterLabel, List<OwnerReference> owners) {
    GenericKubernetesResource m3 = new GenericKubernetesResource();
    m3.setApiVersion("infrastructure.cluster.x-k8s.io/v1beta2");
    m3.setKind("Metal3Cluster");
    m3.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(CapiFixture.CLUSTER)
        .withLabels(Map.of("cluster.x-k8s.io/cluster-name", clusterLabel)).withOwnerReferences(owners).build());
    m3.setAdditionalProperty("spec", Map.of("controlPlaneEndpoint",
        Map.of("host", "api." + CapiFixture.CLUSTER + ".example.org", "port", 6443), "cloudProviderEnabled", false));
    return client.genericKubernetesResources("infrastructure.cluster.x-k8s.io/v1beta2", "Metal3Cluster")
        .inNamespace(ns).resource(m3).create();
  }

  private static GenericKubernetesResource read(String ns) {
    return client.genericKubernetesResources("infrastructure.cluster.x-k8s.io/v1beta2", "Metal3Cluster")
        .inNamespace(ns).withName(CapiFixture.CLUSTER).get();
  }

  private static void namespace(String ns) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  private static boolean provisioned(String ns) {
    KVMCluster kc = client.resources(KVMCluster.class).inNamespace(ns).withName(CapiFixture.CLUSTER).get();
    return kc != null && kc.getStatus() != null && kc.getStatus().getInitialization() != null
        && Boolean.TRUE.equals(kc.getStatus().getInitialization().getProvisioned());
  }

  @Test
  void metal3ClusterOfTheClusterGetsTheOwnerCluster() throws Exception {
    namespace(ADOPT);
    metal3Cluster(ADOPT, CapiFixture.CLUSTER, List.of());
    new CapiFixture(client, ADOPT).cluster(List.of(), false);
    String uid = client.genericKubernetesResources(CapiFixture.CLUSTERS).inNamespace(ADOPT)
        .withName(CapiFixture.CLUSTER).get().getMetadata().getUid();
    await("Metal3Cluster owned", () -> !read(ADOPT).getMetadata().getOwnerReferences().isEmpty());
    List<OwnerReference> refs = read(ADOPT).getMetadata().getOwnerReferences();
    assertEquals(1, refs.size(), refs.toString());
    OwnerReference ref = refs.get(0);
    assertEquals("cluster.x-k8s.io/v1beta2", ref.getApiVersion());
    assertEquals("Cluster", ref.getKind());
    assertEquals(CapiFixture.CLUSTER, ref.getName());
    assertEquals(uid, ref.getUid());
    assertEquals(Boolean.FALSE, ref.getController(), "CAPI's Cluster controller is not its controller");
    assertNull(ref.getBlockOwnerDeletion(), "as CAPI's own reference on the infrastructureRef'd object");

    // Deletion: CAPM3, now reconciling it, puts its finalizer on; the KVMCluster (deleted by CAPI while the Cluster
    // still exists) deletes the Metal3Cluster and keeps its own finalizer until the Metal3Cluster is gone.
    client.genericKubernetesResources("infrastructure.cluster.x-k8s.io/v1beta2", "Metal3Cluster").inNamespace(ADOPT)
        .withName(CapiFixture.CLUSTER).edit(m -> {
          m.getMetadata().setFinalizers(List.of("metal3cluster.infrastructure.cluster.x-k8s.io"));
          return m;
        });
    client.resources(KVMCluster.class).inNamespace(ADOPT).withName(CapiFixture.CLUSTER).delete();
    await("Metal3Cluster deleted", () -> read(ADOPT).getMetadata().getDeletionTimestamp() != null);
    Thread.sleep(1000);
    assertNotNull(client.resources(KVMCluster.class).inNamespace(ADOPT).withName(CapiFixture.CLUSTER).get(),
        "the KVMCluster waits for the Metal3Cluster");
    client.genericKubernetesResources("infrastructure.cluster.x-k8s.io/v1beta2", "Metal3Cluster").inNamespace(ADOPT)
        .withName(CapiFixture.CLUSTER).edit(m -> {
          m.getMetadata().setFinalizers(List.of());
          return m;
        });
    await("both gone", () -> read(ADOPT) == null
        && client.resources(KVMCluster.class).inNamespace(ADOPT).withName(CapiFixture.CLUSTER).get() == null);
  }

  @Test
  void metal3ClusterOfAnotherClusterOrAlreadyOwnedIsLeftAlone() throws Exception {
    namespace(OTHER);
    GenericKubernetesResource other = metal3Cluster(OTHER, "someone-else", List.of());
    namespace(OWNED);
    var cm = client.configMaps().inNamespace(OWNED).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("holder").endMetadata().build()).create();
    OwnerReference holder = new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
        .withName("holder").withUid(cm.getMetadata().getUid()).build();
    GenericKubernetesResource owned = metal3Cluster(OWNED, CapiFixture.CLUSTER, List.of(holder));

    new CapiFixture(client, OTHER).cluster(List.of(), false);
    new CapiFixture(client, OWNED).cluster(List.of(), false);
    await("KVMClusters reconciled", () -> provisioned(OTHER) && provisioned(OWNED));
    // The adoption step runs in the same reconcile, after the status write; give a retry time to happen too.
    Thread.sleep(2000);

    GenericKubernetesResource otherNow = read(OTHER);
    assertEquals(other.getMetadata().getResourceVersion(), otherNow.getMetadata().getResourceVersion(),
        "labelled for another cluster: not written");
    assertFalse(otherNow.getMetadata().getOwnerReferences() != null
        && !otherNow.getMetadata().getOwnerReferences().isEmpty(), String.valueOf(otherNow.getMetadata()));
    GenericKubernetesResource ownedNow = read(OWNED);
    assertEquals(owned.getMetadata().getResourceVersion(), ownedNow.getMetadata().getResourceVersion(),
        "already owned: not written");
    assertEquals(List.of(holder.getUid()),
        ownedNow.getMetadata().getOwnerReferences().stream().map(OwnerReference::getUid).toList());

    // Deleting those KVMClusters leaves both Metal3Clusters where they are.
    client.resources(KVMCluster.class).inNamespace(OTHER).withName(CapiFixture.CLUSTER).delete();
    client.resources(KVMCluster.class).inNamespace(OWNED).withName(CapiFixture.CLUSTER).delete();
    await("KVMClusters gone", () -> client.resources(KVMCluster.class).inNamespace(OTHER)
        .withName(CapiFixture.CLUSTER).get() == null && client.resources(KVMCluster.class).inNamespace(OWNED)
        .withName(CapiFixture.CLUSTER).get() == null);
    assertNull(read(OTHER).getMetadata().getDeletionTimestamp());
    assertNull(read(OWNED).getMetadata().getDeletionTimestamp());
  }
}
