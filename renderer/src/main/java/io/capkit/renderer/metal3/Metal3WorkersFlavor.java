package io.capkit.renderer.metal3;

import io.capkit.api.Problem;
import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.flavor.ControlPlaneEndpointRule;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.Flavor;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import io.capkit.renderer.ReleaseContract;
import io.capkit.renderer.ReleaseInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A flavor whose workers are Metal3 bare-metal hosts: one MachineDeployment on a Metal3MachineTemplate, with a
 * Metal3Cluster named like the Cluster and on its endpoint. Subclasses add the control plane. API versions come
 * from the compatibility matrix for the release's contract.
 */
public abstract class Metal3WorkersFlavor implements Flavor {
  private final CompatibilityMatrix matrix;

  protected Metal3WorkersFlavor(CompatibilityMatrix matrix) {
    this.matrix = matrix;
  }

  /**
   * The Cluster, its infrastructure cluster and the control plane objects; {@code release} is null in a clusterctl
   * template.
   */
  abstract List<KubeObject> controlPlane(CoreObjects capi, Metal3Objects metal3, ClusterPlan plan,
                                         KubeObject metal3Cluster, ReleaseInfo release);

  @Override
  public List<KubeObject> render(ClusterPlan plan) {
    return render(plan, null);
  }

  @Override
  public List<KubeObject> render(ClusterPlan plan, ReleaseInfo release) {
    String contract = ReleaseContract.of(release, matrix).contract();
    CompatibilityMatrix.Verdict verdict = matrix.verdict(name(), contract);
    if (!verdict.supported()) {
      throw new IllegalStateException("flavor " + name() + " rendered on refused contract " + contract);
    }
    CoreObjects capi = new CoreObjects(verdict, plan);
    Metal3Objects metal3 = new Metal3Objects(capi, plan);
    KubeObject metal3Cluster = metal3.cluster();
    List<KubeObject> out = new ArrayList<>(controlPlane(capi, metal3, plan, metal3Cluster, release));
    if (out.stream().noneMatch(o -> o.kind().equals("Cluster") && spec(o).get("infrastructureRef") instanceof Map<?, ?> r
        && "Metal3Cluster".equals(r.get("kind")))) {
      // A second infrastructure cluster: CAPI owns only the infrastructureRef, so clusterctl move takes this one by
      // label; see docs/flavors.md for its deletion.
      labels(metal3Cluster).put(CoreObjects.CLUSTERCTL_MOVE_LABEL, "");
    }
    out.add(metal3Cluster);
    metal3.ipPool().ifPresent(out::add);
    String pool = plan.name() + "-md-0";
    List<KubeObject> machine = metal3.machineTemplate(pool);
    out.addAll(machine);
    out.addAll(capi.workerPool(pool, machine.get(1), OrderedMap.of("nodeRegistration", metal3.nodeRegistration()),
        Map.of()));
    List<Map<String, Object>> docs = out.stream().map(KubeObject::document).toList();
    List<Problem> inconsistent = ControlPlaneEndpointRule.check(docs);
    if (!inconsistent.isEmpty()) {
      throw new IllegalStateException("flavor " + name() + " rendered an inconsistent endpoint: " + inconsistent);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(KubeObject o) {
    return (Map<String, Object>) o.document().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> labels(KubeObject o) {
    return (Map<String, Object>) ((Map<String, Object>) o.document().get("metadata")).get("labels");
  }
}
