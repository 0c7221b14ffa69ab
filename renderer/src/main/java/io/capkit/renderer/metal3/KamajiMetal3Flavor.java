package io.capkit.renderer.metal3;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kamaji-metal3} (seed 003): a Kamaji hosted control plane, pods in the management cluster behind a
 * LoadBalancer Service, with Metal3 workers. The Service address is the endpoint host, and the Metal3Cluster (the
 * Cluster's infrastructureRef) carries the same endpoint; MetalLB is asked for that address.
 */
public final class KamajiMetal3Flavor extends Metal3WorkersFlavor {
  public static final String NAME = "kamaji-metal3";
  static final String METALLB_ADDRESS_ANNOTATION = "metallb.universe.tf/loadBalancerIPs";

  public KamajiMetal3Flavor(CompatibilityMatrix matrix) {
    super(matrix);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  List<KubeObject> controlPlane(CoreObjects capi, Metal3Objects metal3, ClusterPlan plan, KubeObject metal3Cluster) {
    Object version = plan.kubernetesVersion() instanceof String v && v.startsWith("v") ? v.substring(1)
        : plan.kubernetesVersion();
    KubeObject kamaji = capi.object(capi.apiVersion("kamaji", "controlPlane"), "KamajiControlPlane", plan.name(),
        OrderedMap.of(
            "dataStoreName", plan.var("KAMAJI_DATASTORE"),
            "replicas", plan.var("CONTROL_PLANE_MACHINE_COUNT"),
            "version", version,
            // The CRD's default, written out so that Git and the stored object are equal.
            "registry", "registry.k8s.io",
            "addons", OrderedMap.of("coreDNS", OrderedMap.of(), "kubeProxy", OrderedMap.of()),
            "kubelet", OrderedMap.of(
                "cgroupfs", "systemd",
                "preferredAddressTypes", List.of("ExternalIP", "InternalIP", "Hostname")),
            "network", OrderedMap.of(
                "serviceType", plan.var("KAMAJI_SERVICE_TYPE"),
                "serviceAddress", plan.endpointHost())));
    if ("LoadBalancer".equals(plan.var("KAMAJI_SERVICE_TYPE"))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = (Map<String, Object>) kamaji.document().get("metadata");
      metadata.put("annotations", OrderedMap.of(METALLB_ADDRESS_ANNOTATION, plan.endpointHost()));
    }
    return List.of(kamaji, capi.cluster(kamaji, metal3Cluster));
  }
}
