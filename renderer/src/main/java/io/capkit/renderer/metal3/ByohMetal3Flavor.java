package io.capkit.renderer.metal3;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import java.util.List;
import java.util.Map;

/**
 * {@code byoh-metal3} (seeds 000, 001): a kubeadm control plane on Bring-Your-Own hosts (ByoCluster, the Cluster's
 * infrastructureRef) with Metal3 workers. kube-vip on the control plane hosts serves the endpoint address, which
 * the ByoCluster and the Metal3Cluster both carry.
 */
public final class ByohMetal3Flavor extends Metal3WorkersFlavor {
  public static final String NAME = "byoh-metal3";
  /** kube-vip announces the endpoint address from the control plane hosts, as in seed 001. */
  static final String KUBE_VIP_IMAGE = "ghcr.io/kube-vip/kube-vip:v0.8.9";
  // BYOH fills {{ .DefaultNetworkInterfaceName }} in its bootstrap data with the host's default interface.
  private static final String KUBE_VIP_MANIFEST = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: kube-vip
        namespace: kube-system
      spec:
        containers:
        - args:
          - manager
          env:
          - name: vip_arp
            value: "true"
          - name: cp_enable
            value: "true"
          - name: vip_leaderelection
            value: "true"
          - name: address
            value: "%s"
          - name: vip_interface
            value: "{{ .DefaultNetworkInterfaceName }}"
          image: %s
          imagePullPolicy: IfNotPresent
          name: kube-vip
          securityContext:
            capabilities:
              add:
              - NET_ADMIN
              - NET_RAW
          volumeMounts:
          - mountPath: /etc/kubernetes/admin.conf
            name: kubeconfig
        hostNetwork: true
        volumes:
        - hostPath:
            path: /etc/kubernetes/admin.conf
            type: FileOrCreate
          name: kubeconfig
      """;
  private static final List<String> IGNORED_PREFLIGHT = List.of("Swap", "DirAvailable--etc-kubernetes-manifests",
      "FileAvailable--etc-kubernetes-kubelet.conf");

  public ByohMetal3Flavor(CompatibilityMatrix matrix) {
    super(matrix);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  List<KubeObject> controlPlane(CoreObjects capi, Metal3Objects metal3, ClusterPlan plan, KubeObject metal3Cluster) {
    String api = capi.apiVersion("byoh", "infrastructure");
    KubeObject byoCluster = capi.object(api, "ByoCluster", plan.name(), OrderedMap.of(
        "bundleLookupBaseRegistry", plan.var("BYOH_BUNDLE_REGISTRY"),
        "controlPlaneEndpoint", capi.endpoint()));
    // ByoHosts are picked by the agent's registration, so the template has nothing to say (seed 001).
    KubeObject template = capi.hashed(api, "ByoMachineTemplate", plan.name() + "-control-plane",
        OrderedMap.of("template", OrderedMap.of("spec", OrderedMap.of())));
    Map<String, Object> registration = OrderedMap.of(
        "criSocket", "/var/run/containerd/containerd.sock",
        "ignorePreflightErrors", IGNORED_PREFLIGHT);
    KubeObject controlPlane = capi.kubeadmControlPlane(template, OrderedMap.of(
        "files", List.of(OrderedMap.of(
            "path", "/etc/kubernetes/manifests/kube-vip.yaml",
            "owner", "root:root",
            "content", KUBE_VIP_MANIFEST.formatted(plan.endpointHost(), KUBE_VIP_IMAGE))),
        "initConfiguration", OrderedMap.of("nodeRegistration", registration),
        "joinConfiguration", OrderedMap.of("nodeRegistration", registration)));
    return List.of(byoCluster, template, controlPlane, capi.cluster(controlPlane, byoCluster));
  }
}
