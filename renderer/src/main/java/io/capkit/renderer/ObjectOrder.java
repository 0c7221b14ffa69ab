package io.capkit.renderer;

import java.util.Comparator;
import java.util.List;

/**
 * The fixed order of objects in rendered files, as kustomize orders by kind: sources first, then the Cluster
 * and its infrastructure, templates before the objects that reference them, health checks, then apps. Kinds
 * not listed come after, by group and kind; within a kind, by namespace and name.
 */
public final class ObjectOrder {
  /** The documented order (docs/renderer.md). */
  public static final List<String> KINDS = List.of(
      "Namespace",
      "HelmRepository",
      "Cluster",
      "KVMCluster",
      "KVMMachineTemplate",
      "Metal3Cluster",
      "ByoCluster",
      "IPPool",
      "Metal3DataTemplate",
      "Metal3MachineTemplate",
      "K8sInstallerConfigTemplate",
      "ByoMachineTemplate",
      "KubeadmControlPlane",
      "KamajiControlPlane",
      "KubeadmConfigTemplate",
      "MachineDeployment",
      "MachineHealthCheck",
      "HelmRelease");

  private static final java.util.Map<String, Integer> RANKS = ranks();

  /** By rank of kind, then group, kind, namespace (none first) and name; each key computed only when needed. */
  public static final Comparator<KubeObject> COMPARATOR = ObjectOrder::compare;

  private ObjectOrder() {}

  private static int compare(KubeObject a, KubeObject b) {
    int c = Integer.compare(rank(a.kind()), rank(b.kind()));
    if (c == 0) {
      c = a.group().compareTo(b.group());
    }
    if (c == 0) {
      c = a.kind().compareTo(b.kind());
    }
    if (c == 0) {
      c = (a.namespace() == null ? "" : a.namespace()).compareTo(b.namespace() == null ? "" : b.namespace());
    }
    if (c == 0) {
      c = a.name().compareTo(b.name());
    }
    return c;
  }

  private static java.util.Map<String, Integer> ranks() {
    java.util.Map<String, Integer> ranks = new java.util.HashMap<>();
    for (int i = 0; i < KINDS.size(); i++) {
      ranks.put(KINDS.get(i), i);
    }
    return ranks;
  }

  private static int rank(String kind) {
    Integer i = RANKS.get(kind);
    return i == null ? KINDS.size() : i;
  }
}
