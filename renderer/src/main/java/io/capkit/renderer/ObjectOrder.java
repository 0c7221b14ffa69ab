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

  public static final Comparator<KubeObject> COMPARATOR = Comparator
      .comparingInt((KubeObject o) -> rank(o.kind()))
      .thenComparing(KubeObject::group)
      .thenComparing(KubeObject::kind)
      .thenComparing(o -> o.namespace() == null ? "" : o.namespace())
      .thenComparing(KubeObject::name);

  private ObjectOrder() {}

  private static int rank(String kind) {
    int i = KINDS.indexOf(kind);
    return i < 0 ? KINDS.size() : i;
  }
}
