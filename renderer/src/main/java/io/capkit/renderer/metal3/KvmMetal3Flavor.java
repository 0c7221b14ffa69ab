package io.capkit.renderer.metal3;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.infra.Infra;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import io.capkit.renderer.ReleaseInfo;
import io.capkit.renderer.kvm.KvmFlavor;
import java.util.List;
import java.util.Map;

/**
 * {@code kvm-metal3}: capkit's KVM control plane (KVMCluster, KubeadmControlPlane on KVMMachineTemplate) with Metal3
 * workers. The Cluster's infrastructureRef is the KVMCluster; the Metal3Cluster beside it shares name and endpoint.
 */
public final class KvmMetal3Flavor extends Metal3WorkersFlavor {
  public static final String NAME = "kvm-metal3";

  public KvmMetal3Flavor(CompatibilityMatrix matrix) {
    super(matrix);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  List<KubeObject> controlPlane(CoreObjects capi, Metal3Objects metal3, ClusterPlan plan, KubeObject metal3Cluster,
                                ReleaseInfo release) {
    KubeObject kvmCluster = capi.object(Infra.API_VERSION, "KVMCluster", plan.name(),
        OrderedMap.of("controlPlaneEndpoint", capi.endpoint()));
    Map<String, Object> spec = KvmFlavor.templateSpec(plan.var("CONTROL_PLANE_MACHINE_CPUS"),
        plan.var("CONTROL_PLANE_MACHINE_MEMORY"), plan.var("KVM_BASE_IMAGE"), plan.var("CONTROL_PLANE_VOLUME_SIZE_GB"),
        plan.var("CONTROL_PLANE_DOCKER_VOLUME_SIZE_GB"));
    KubeObject template = capi.hashed(capi.apiVersion("kvm", "infrastructure"), "KVMMachineTemplate",
        plan.name() + "-control-plane", spec);
    KubeObject controlPlane = capi.kubeadmControlPlane(template, OrderedMap.of(
        "initConfiguration", OrderedMap.of("nodeRegistration", KvmFlavor.nodeRegistration()),
        "joinConfiguration", OrderedMap.of("nodeRegistration", KvmFlavor.nodeRegistration())), release, null);
    return List.of(kvmCluster, template, controlPlane, capi.cluster(controlPlane, kvmCluster),
        capi.controlPlaneHealthCheck());
  }
}
