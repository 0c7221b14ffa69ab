package io.capkit.renderer.metal3;

import io.capkit.api.flavor.ByohInstaller;
import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.Explanation;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import io.capkit.renderer.ReleaseInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code byoh-metal3} (seeds 000, 001): a kubeadm control plane on Bring-Your-Own hosts (ByoCluster, the Cluster's
 * infrastructureRef) with Metal3 workers. kube-vip on the control plane hosts serves the endpoint address (unless
 * CONTROL_PLANE_LOAD_BALANCER=external), which the ByoCluster and the Metal3Cluster both carry. Where the BYOH
 * v0.5.0 installer supports the release's Kubernetes, each ByoMachineTemplate names a K8sInstallerConfigTemplate
 * ({@code installerRef}); otherwise hosts must be prepared and run the agent with {@code --skip-installation}
 * ({@link ByohInstaller}).
 */
public final class ByohMetal3Flavor extends Metal3WorkersFlavor {
  public static final String NAME = "byoh-metal3";
  /** BYOH fills this in its bootstrap data with the host's default interface (BYOH's own templates use it). */
  static final String BYOH_DEFAULT_INTERFACE = "{{ .DefaultNetworkInterfaceName }}";
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
  public List<Explanation.Row> explain(ClusterPlan plan) {
    return List.of(new Explanation.Row("byohHostPreparation", ByohInstaller.supports(String.valueOf(
        plan.kubernetesVersion())) ? "installer" : "skip-installation",
        ByohInstaller.hostPreparation(String.valueOf(plan.kubernetesVersion()))));
  }

  @Override
  List<KubeObject> controlPlane(CoreObjects capi, Metal3Objects metal3, ClusterPlan plan, KubeObject metal3Cluster,
                                ReleaseInfo release) {
    String api = capi.apiVersion("byoh", "infrastructure");
    KubeObject byoCluster = capi.object(api, "ByoCluster", plan.name(), OrderedMap.of(
        "bundleLookupBaseRegistry", plan.var("BYOH_BUNDLE_REGISTRY"),
        "controlPlaneEndpoint", capi.endpoint()));
    List<KubeObject> out = new ArrayList<>();
    Map<String, Object> machineSpec = OrderedMap.of();
    if (plan.kubernetesVersion() instanceof String version && ByohInstaller.supports(version)) {
      KubeObject installer = capi.hashed(api, "K8sInstallerConfigTemplate", plan.name() + "-control-plane",
          OrderedMap.of("template", OrderedMap.of("spec", OrderedMap.of(
              "bundleRepo", plan.var("BYOH_BUNDLE_REGISTRY"),
              "bundleType", "k8s"))));
      // A v1beta1 object reference, as BYOH's own templates write it.
      machineSpec.put("installerRef", OrderedMap.of("apiVersion", installer.apiVersion(), "kind", installer.kind(),
          "name", installer.name(), "namespace", plan.namespace()));
      out.add(installer);
    }
    KubeObject template = capi.hashed(api, "ByoMachineTemplate", plan.name() + "-control-plane",
        OrderedMap.of("template", OrderedMap.of("spec", machineSpec)));
    Map<String, Object> registration = OrderedMap.of(
        "criSocket", "/var/run/containerd/containerd.sock",
        "ignorePreflightErrors", IGNORED_PREFLIGHT);
    KubeObject controlPlane = capi.kubeadmControlPlane(template, OrderedMap.of(
        "initConfiguration", OrderedMap.of("nodeRegistration", registration),
        "joinConfiguration", OrderedMap.of("nodeRegistration", registration)), release, BYOH_DEFAULT_INTERFACE);
    out.addAll(List.of(byoCluster, template, controlPlane, capi.cluster(controlPlane, byoCluster)));
    return out;
  }
}
