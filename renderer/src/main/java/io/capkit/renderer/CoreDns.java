package io.capkit.renderer;

import io.capkit.api.contract.ClusterDns;
import java.util.List;
import java.util.Map;

/**
 * One CoreDNS per workload cluster. When the release ships the CoreDNS chart, the chart is the one: kubeadm's
 * {@code addon/coredns} phase is skipped (and KCP told not to manage a CoreDNS it did not install), Kamaji's
 * {@code addons.coreDNS} is left out, and the chart's Service takes the address every kubelet already uses as
 * {@code clusterDNS} — the 10th address of SERVICE_IP_RANGE, kubeadm's choice, which Kamaji is given explicitly.
 * A release without the chart keeps kubeadm's (or Kamaji's) CoreDNS.
 */
public final class CoreDns {
  /** The chart name that makes a release's app the cluster's CoreDNS. */
  public static final String CHART = "coredns";
  /** kubeadm's Service name for cluster DNS; the chart takes it so that tools looking for kube-dns find it. */
  public static final String SERVICE_NAME = "kube-dns";
  public static final String SKIP_PHASE = "addon/coredns";
  /** KCP leaves CoreDNS alone (no image or Corefile updates on upgrade) when this annotation is present. */
  public static final String KCP_SKIP_ANNOTATION = "controlplane.cluster.x-k8s.io/skip-coredns";

  private CoreDns() {}

  /** True when {@code release} (null in a clusterctl template) installs CoreDNS from the chart. */
  public static boolean fromChart(ReleaseInfo release) {
    return release != null && release.apps().stream().anyMatch(a -> CHART.equals(a.chart()));
  }

  /** The cluster DNS Service address for the plan's SERVICE_IP_RANGE. */
  public static String address(ClusterPlan plan) {
    return ADDRESSES.get(String.valueOf(plan.var("SERVICE_IP_RANGE")), ClusterDns::address);
  }

  // Clusters of an organization share their service range: the address (a pure function of it) is remembered.
  private static final ThreadMemo<String, String> ADDRESSES = new ThreadMemo<>(256);

  /** The chart values that make its Service the cluster DNS Service. */
  public static Map<String, Object> chartValues(ClusterPlan plan) {
    return OrderedMap.of("service", OrderedMap.of("clusterIP", address(plan), "name", SERVICE_NAME));
  }

  /**
   * Makes a KubeadmControlPlane leave CoreDNS to the chart: {@code initConfiguration.skipPhases} and the KCP
   * annotation. {@code kubeadmConfigSpec} must already hold an {@code initConfiguration} map.
   */
  @SuppressWarnings("unchecked")
  public static void leaveToChart(KubeObject kubeadmControlPlane, Map<String, Object> kubeadmConfigSpec) {
    Map<String, Object> init = (Map<String, Object>) kubeadmConfigSpec.get("initConfiguration");
    init.put("skipPhases", List.of(SKIP_PHASE));
    Map<String, Object> metadata = (Map<String, Object>) kubeadmControlPlane.document().get("metadata");
    metadata.put("annotations", OrderedMap.of(KCP_SKIP_ANNOTATION, ""));
  }
}
