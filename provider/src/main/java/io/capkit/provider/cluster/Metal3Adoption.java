package io.capkit.provider.cluster;

import io.capkit.api.infra.KVMCluster;
import io.capkit.provider.machine.CapiObjects;
import io.capkit.provider.runtime.ApiCallFailure;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The second infrastructure cluster of flavor {@code kvm-metal3}: the renderer emits a Metal3Cluster with the
 * Cluster's name beside the KVMCluster (Metal3Machines find it through Cluster.spec.infrastructureRef.name), but
 * cannot give it an owner reference because it does not know the Cluster's uid. CAPM3 reconciles a Metal3Cluster
 * only once it has an owner Cluster, and garbage collection removes it with the Cluster only through that reference.
 * Once the KVMCluster has its owner Cluster, this adds the same reference CAPI's Cluster controller puts on the object
 * its infrastructureRef names for a Cluster without topology (controller false, blockOwnerDeletion unset).
 *
 * <p>Adopted only: a Metal3Cluster of the KVMCluster's name and namespace, labelled
 * {@code cluster.x-k8s.io/cluster-name=<that Cluster>}, with no owner reference at all. The write is a JSON merge patch
 * that carries the resourceVersion read, so a reference set by anyone in between makes it fail (409) instead of being
 * overwritten.
 */
final class Metal3Adoption {
  static final String API_VERSION = "infrastructure.cluster.x-k8s.io/v1beta2";
  static final String KIND = "Metal3Cluster";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Metal3Adoption.class);
  private static final AtomicBoolean NO_CRD_LOGGED = new AtomicBoolean();

  /** What one attempt did. */
  enum Outcome { ADOPTED, NONE, LEFT_ALONE, CONFLICT }

  private Metal3Adoption() {}

  /** The owner reference of {@code kc} to its CAPI Cluster, when it has one with a uid. */
  static Optional<OwnerReference> clusterOwner(KVMCluster kc) {
    List<OwnerReference> refs = kc.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> "Cluster".equals(r.getKind()) && r.getApiVersion() != null
        && r.getApiVersion().startsWith(CapiObjects.GROUP + "/") && r.getName() != null && r.getUid() != null
        && !r.getUid().isBlank()).findFirst();
  }

  /** Whether {@code m3} may be adopted for the Cluster named {@code cluster} (pure). */
  static boolean adoptable(GenericKubernetesResource m3, String cluster) {
    var labels = m3.getMetadata().getLabels();
    var owners = m3.getMetadata().getOwnerReferences();
    return m3.getMetadata().getDeletionTimestamp() == null && labels != null
        && cluster.equals(labels.get(CapiObjects.CLUSTER_NAME_LABEL)) && (owners == null || owners.isEmpty());
  }

  /** Adopts the Metal3Cluster beside {@code kc} when there is one to adopt. Failed calls are {@link ApiCallFailure}s. */
  static Outcome adopt(KubernetesClient client, KVMCluster kc) {
    Optional<OwnerReference> owner = clusterOwner(kc);
    if (owner.isEmpty()) {
      return Outcome.NONE;
    }
    String ns = kc.getMetadata().getNamespace();
    String name = kc.getMetadata().getName();
    // A missing object and a missing Metal3 CRD both read as 404, which fabric8 returns as null.
    GenericKubernetesResource m3 = ApiCallFailure.during("get Metal3Cluster " + name, () -> client
        .genericKubernetesResources(API_VERSION, KIND).inNamespace(ns).withName(name).get());
    if (m3 == null) {
      if (NO_CRD_LOGGED.compareAndSet(false, true)) {
        LOG.info("no Metal3Cluster beside KVMCluster {}/{} (none rendered, or the Metal3 CRD is not installed); "
            + "logged once", ns, name);
      }
      return Outcome.NONE;
    }
    if (!adoptable(m3, owner.get().getName())) {
      return Outcome.LEFT_ALONE;
    }
    Map<String, Object> ref = new LinkedHashMap<>();
    ref.put("apiVersion", CapiObjects.API_VERSION);
    ref.put("kind", "Cluster");
    ref.put("name", owner.get().getName());
    ref.put("uid", owner.get().getUid());
    ref.put("controller", false);
    try {
      ApiCallFailure.during("patch Metal3Cluster " + name + " (owner reference)", () -> client
          .genericKubernetesResources(API_VERSION, KIND).inNamespace(ns).withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", Map.of(
              "resourceVersion", m3.getMetadata().getResourceVersion(), "ownerReferences", List.of(ref))))));
    } catch (ApiCallFailure f) {
      if (f.code() == 409) {
        return Outcome.CONFLICT;
      }
      throw f;
    }
    LOG.info("Metal3Cluster {}/{} now owned by Cluster {}", ns, name, owner.get().getName());
    return Outcome.ADOPTED;
  }

  /**
   * On KVMCluster deletion: deletes the Metal3Cluster this adopted (owned by the KVMCluster's Cluster, by uid) and
   * says whether it is still there. CAPI deletes the infrastructure cluster only after the Cluster's machines are
   * gone and removes the Cluster's finalizer only after that; deleting the second Metal3Cluster here, while the
   * Cluster still exists, lets CAPM3 find its owner and remove its finalizer. Left to garbage collection, it would be
   * deleted after the Cluster and CAPM3 would fail to get the owner Cluster, keeping its finalizer.
   */
  static boolean releasePending(KubernetesClient client, KVMCluster kc) {
    Optional<OwnerReference> owner = clusterOwner(kc);
    if (owner.isEmpty()) {
      return false;
    }
    String ns = kc.getMetadata().getNamespace();
    String name = kc.getMetadata().getName();
    GenericKubernetesResource m3 = ApiCallFailure.during("get Metal3Cluster " + name, () -> client
        .genericKubernetesResources(API_VERSION, KIND).inNamespace(ns).withName(name).get());
    if (m3 == null || m3.getMetadata().getOwnerReferences() == null || m3.getMetadata().getOwnerReferences().stream()
        .noneMatch(r -> "Cluster".equals(r.getKind()) && owner.get().getUid().equals(r.getUid()))) {
      return false;
    }
    if (m3.getMetadata().getDeletionTimestamp() == null) {
      ApiCallFailure.during("delete Metal3Cluster " + name, () -> client.genericKubernetesResources(API_VERSION, KIND)
          .inNamespace(ns).withName(name).lockResourceVersion(m3.getMetadata().getResourceVersion()).delete());
    }
    return true;
  }
}
