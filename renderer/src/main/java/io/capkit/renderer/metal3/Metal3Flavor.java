package io.capkit.renderer.metal3;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import io.capkit.renderer.ReleaseInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code metal3}: everything on bare metal; a KubeadmControlPlane on its own Metal3MachineTemplate and Metal3DataTemplate. */
public final class Metal3Flavor extends Metal3WorkersFlavor {
  public static final String NAME = "metal3";

  public Metal3Flavor(CompatibilityMatrix matrix) {
    super(matrix);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  List<KubeObject> controlPlane(CoreObjects capi, Metal3Objects metal3, ClusterPlan plan, KubeObject metal3Cluster,
                                ReleaseInfo release) {
    List<KubeObject> machine = metal3.machineTemplate(plan.name() + "-control-plane");
    Map<String, Object> registration = metal3.nodeRegistration();
    KubeObject controlPlane = capi.kubeadmControlPlane(machine.get(1), OrderedMap.of(
        "initConfiguration", OrderedMap.of("nodeRegistration", registration),
        "joinConfiguration", OrderedMap.of("nodeRegistration", registration)), release, null);
    List<KubeObject> out = new ArrayList<>(machine);
    out.add(controlPlane);
    out.add(capi.cluster(controlPlane, metal3Cluster));
    out.add(capi.controlPlaneHealthCheck());
    return out;
  }
}
