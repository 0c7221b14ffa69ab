package io.capkit.provider.machine;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.Map;
import java.util.Optional;

/** Reading the CAPI v1beta2 objects the provider depends on, held as GenericKubernetesResource. */
public final class CapiObjects {
  public static final String GROUP = "cluster.x-k8s.io";
  public static final String API_VERSION = GROUP + "/v1beta2";
  public static final String PAUSED_ANNOTATION = GROUP + "/paused";
  public static final String CLUSTER_NAME_LABEL = GROUP + "/cluster-name";
  public static final String CONTROL_PLANE_LABEL = GROUP + "/control-plane";
  /** clusterctl sets this before deleting the source objects of a move: the VMs must stay. */
  public static final String DELETE_FOR_MOVE_ANNOTATION = "clusterctl.cluster.x-k8s.io/delete-for-move";

  private CapiObjects() {}

  /** The owning CAPI object of a kind (any served version of cluster.x-k8s.io). */
  public static Optional<String> ownerName(HasMetadata o, String kind) {
    if (o.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    return o.getMetadata().getOwnerReferences().stream()
        .filter(r -> kind.equals(r.getKind()) && r.getApiVersion() != null && r.getApiVersion().startsWith(GROUP + "/"))
        .map(OwnerReference::getName).findFirst();
  }

  public static boolean annotated(HasMetadata o, String annotation) {
    Map<String, String> a = o == null ? null : o.getMetadata().getAnnotations();
    return a != null && a.containsKey(annotation);
  }

  public static boolean labelled(HasMetadata o, String label) {
    Map<String, String> l = o == null ? null : o.getMetadata().getLabels();
    return l != null && l.containsKey(label);
  }

  /** A nested field, e.g. {@code string(machine, "spec", "bootstrap", "dataSecretName")}. */
  public static String string(GenericKubernetesResource o, String... path) {
    Object v = value(o, path);
    return v instanceof String s && !s.isEmpty() ? s : null;
  }

  public static boolean isTrue(GenericKubernetesResource o, String... path) {
    return Boolean.TRUE.equals(value(o, path));
  }

  @SuppressWarnings("unchecked")
  private static Object value(GenericKubernetesResource o, String... path) {
    if (o == null) {
      return null;
    }
    Object cur = o.getAdditionalProperties();
    for (String p : path) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = ((Map<String, Object>) m).get(p);
    }
    return cur;
  }

  /** Cluster.spec.paused or the paused annotation on the Cluster or the object itself. */
  public static boolean paused(GenericKubernetesResource cluster, HasMetadata object) {
    return isTrue(cluster, "spec", "paused") || annotated(cluster, PAUSED_ANNOTATION)
        || annotated(object, PAUSED_ANNOTATION);
  }
}
