package io.capkit.renderer.metal3;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.CoreDns;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import io.capkit.renderer.ReleaseInfo;
import java.util.List;
import java.util.Map;

/**
 * {@code kamaji-metal3} (seed 003): a Kamaji hosted control plane, pods in the management cluster behind a
 * LoadBalancer (or NodePort) Service, with Metal3 workers. The Service address is the endpoint host and its port the
 * endpoint port (the Cluster's {@code clusterNetwork.apiServerPort}, which the Kamaji provider gives the tenant
 * control plane); the Metal3Cluster (the Cluster's infrastructureRef) carries the same endpoint. MetalLB is asked
 * for the address through {@code network.serviceAnnotations}, the only annotations Kamaji puts on the Service.
 * Konnectivity carries logs, exec, webhooks and the metrics APIService from the management cluster to the
 * bare-metal workers, which sit on another network.
 */
public final class KamajiMetal3Flavor extends Metal3WorkersFlavor {
  public static final String NAME = "kamaji-metal3";
  /** What current MetalLB reads (the metallb.universe.tf spelling is deprecated). */
  static final String METALLB_ADDRESS_ANNOTATION = "metallb.io/loadBalancerIPs";
  // The KamajiControlPlane CRD's defaults for addons.konnectivity, written out so that Git and the stored object are equal.
  static final String KONNECTIVITY_AGENT_IMAGE = "registry.k8s.io/kas-network-proxy/proxy-agent";
  static final String KONNECTIVITY_SERVER_IMAGE = "registry.k8s.io/kas-network-proxy/proxy-server";

  public KamajiMetal3Flavor(CompatibilityMatrix matrix) {
    super(matrix);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  List<KubeObject> controlPlane(CoreObjects capi, Metal3Objects metal3, ClusterPlan plan, KubeObject metal3Cluster,
                                ReleaseInfo release) {
    Object version = plan.kubernetesVersion() instanceof String v && v.startsWith("v") ? v.substring(1)
        : plan.kubernetesVersion();
    boolean chartDns = CoreDns.fromChart(release);
    Map<String, Object> network = OrderedMap.of(
        "serviceType", plan.var("KAMAJI_SERVICE_TYPE"),
        "serviceAddress", plan.endpointHost(),
        "serviceAnnotations", "LoadBalancer".equals(plan.var("KAMAJI_SERVICE_TYPE"))
            ? OrderedMap.of(METALLB_ADDRESS_ANNOTATION, plan.endpointHost()) : null,
        // Without Kamaji's CoreDNS addon the kubelets' clusterDNS comes from here: the chart's Service address.
        "dnsServiceIPs", chartDns ? List.of(CoreDns.address(plan)) : null);
    KubeObject kamaji = capi.object(capi.apiVersion("kamaji", "controlPlane"), "KamajiControlPlane", plan.name(),
        OrderedMap.of(
            "dataStoreName", plan.var("KAMAJI_DATASTORE"),
            "replicas", plan.var("CONTROL_PLANE_MACHINE_COUNT"),
            "version", version,
            // The CRD's default, written out so that Git and the stored object are equal.
            "registry", "registry.k8s.io",
            "addons", OrderedMap.of(
                "coreDNS", chartDns ? null : OrderedMap.of(),
                "konnectivity", OrderedMap.of(
                    "agent", OrderedMap.of(
                        "hostNetwork", false,
                        "image", KONNECTIVITY_AGENT_IMAGE,
                        "mode", "DaemonSet",
                        "tolerations", List.of(OrderedMap.of("key", "CriticalAddonsOnly", "operator", "Exists"))),
                    "server", OrderedMap.of(
                        "image", KONNECTIVITY_SERVER_IMAGE,
                        "port", plan.var("KAMAJI_KONNECTIVITY_PORT"))),
                "kubeProxy", OrderedMap.of()),
            "kubelet", OrderedMap.of(
                "cgroupfs", "systemd",
                "preferredAddressTypes", List.of("ExternalIP", "InternalIP", "Hostname")),
            "network", network));
    return List.of(kamaji, capi.cluster(kamaji, metal3Cluster, plan.endpointPort()));
  }
}
