package io.capkit.renderer.metal3;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.release.Release;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.CoreDns;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.KubeVip;
import io.capkit.renderer.OrderedMap;
import io.capkit.renderer.ReleaseInfo;
import io.capkit.renderer.SpecHash;
import io.capkit.renderer.kvm.KvmFlavor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CAPI core objects (Cluster, KubeadmControlPlane, KubeadmConfigTemplate, MachineDeployment, MachineHealthCheck)
 * in the shape of one contract: v1beta2 references are {@code {apiGroup, kind, name}} and kubelet arguments a
 * list of {@code {name, value}}; v1beta1 references carry {@code apiVersion} and kubelet arguments are a map.
 */
final class CoreObjects {
  static final String V1BETA1 = "v1beta1";
  /** clusterctl move takes an object with this label even when no Cluster owns it (clusterctl's objectgraph). */
  static final String CLUSTERCTL_MOVE_LABEL = "clusterctl.cluster.x-k8s.io/move";
  private final CompatibilityMatrix.Verdict verdict;
  private final ClusterPlan plan;

  CoreObjects(CompatibilityMatrix.Verdict verdict, ClusterPlan plan) {
    this.verdict = verdict;
    this.plan = plan;
  }

  boolean v1beta1() {
    return V1BETA1.equals(verdict.contract());
  }

  String apiVersion(String provider, String role) {
    return verdict.apiVersion(provider, role);
  }

  /** A reference to {@code o} as this contract's CAPI objects write it. */
  Map<String, Object> ref(KubeObject o) {
    return v1beta1() ? OrderedMap.of("apiVersion", o.apiVersion(), "kind", o.kind(), "name", o.name()) : o.ref();
  }

  Map<String, Object> endpoint() {
    return OrderedMap.of("host", plan.endpointHost(), "port", plan.endpointPort());
  }

  KubeObject object(String apiVersion, String kind, String name, Map<String, Object> spec) {
    return KubeObject.of(apiVersion, kind, plan.namespace(), name, plan.labels(), spec);
  }

  /** A template-like object whose name carries the hash of its spec, because CAPI templates are immutable. */
  KubeObject hashed(String apiVersion, String kind, String prefix, Map<String, Object> spec) {
    return object(apiVersion, kind, prefix + "-" + SpecHash.of(spec), spec);
  }

  /** kubelet arguments, in the order given. */
  Object kubeletArgs(String... namesAndValues) {
    if (v1beta1()) {
      return OrderedMap.of((Object[]) namesAndValues);
    }
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      list.add(OrderedMap.of("name", namesAndValues[i], "value", namesAndValues[i + 1]));
    }
    return list;
  }

  KubeObject cluster(KubeObject controlPlane, KubeObject infrastructureCluster) {
    return cluster(controlPlane, infrastructureCluster, null);
  }

  /** The Cluster; {@code apiServerPort} (null: CAPI's default 6443) is the port a hosted control plane serves on. */
  KubeObject cluster(KubeObject controlPlane, KubeObject infrastructureCluster, Object apiServerPort) {
    Map<String, Object> labels = plan.labels();
    if (plan.release() != null) {
      labels.put(Release.VERSION_LABEL, plan.release());
    }
    return KubeObject.of(apiVersion("cluster-api", "cluster"), "Cluster", plan.namespace(), plan.name(), labels,
        OrderedMap.of(
            "clusterNetwork", OrderedMap.of(
                "apiServerPort", apiServerPort,
                "pods", OrderedMap.of("cidrBlocks", List.of(plan.var("POD_IP_RANGE"))),
                "services", OrderedMap.of("cidrBlocks", List.of(plan.var("SERVICE_IP_RANGE")))),
            "controlPlaneEndpoint", endpoint(),
            "controlPlaneRef", ref(controlPlane),
            "infrastructureRef", ref(infrastructureCluster)));
  }

  /**
   * A kubeadm control plane on machines from {@code machineTemplate}, with kube-vip serving the endpoint unless
   * CONTROL_PLANE_LOAD_BALANCER=external ({@code vipInterface}: kube-vip's interface when KUBE_VIP_INTERFACE is
   * unset, null for the default route's), leaving CoreDNS to the release's chart when it ships one.
   */
  KubeObject kubeadmControlPlane(KubeObject machineTemplate, Map<String, Object> kubeadmConfigSpec,
                                 ReleaseInfo release, String vipInterface) {
    Map<String, Object> machineTemplateField = v1beta1()
        ? OrderedMap.of("infrastructureRef", ref(machineTemplate))
        : OrderedMap.of("spec", OrderedMap.of("infrastructureRef", ref(machineTemplate)));
    KubeVip.addTo(kubeadmConfigSpec, plan, vipInterface);
    KubeObject controlPlane = object(apiVersion("cluster-api", "controlPlane"), "KubeadmControlPlane", plan.name(),
        OrderedMap.of(
            "replicas", plan.var("CONTROL_PLANE_MACHINE_COUNT"),
            "version", plan.kubernetesVersion(),
            "machineTemplate", machineTemplateField,
            "kubeadmConfigSpec", kubeadmConfigSpec));
    if (CoreDns.fromChart(release)) {
      CoreDns.leaveToChart(controlPlane, kubeadmConfigSpec);
    }
    return controlPlane;
  }

  /** The worker pool: its bootstrap template, MachineDeployment and MachineHealthCheck. */
  List<KubeObject> workerPool(String pool, KubeObject machineTemplate, Map<String, Object> joinConfiguration,
                              Map<String, Object> extraBootstrapSpec) {
    Map<String, Object> bootstrapInner = OrderedMap.of();
    bootstrapInner.putAll(extraBootstrapSpec);
    bootstrapInner.put("joinConfiguration", joinConfiguration);
    Map<String, Object> bootstrapSpec = OrderedMap.of("template", OrderedMap.of("spec", bootstrapInner));
    KubeObject bootstrap = hashed(apiVersion("cluster-api", "bootstrap"), "KubeadmConfigTemplate", pool, bootstrapSpec);
    Map<String, Object> poolLabels = OrderedMap.of(ClusterPlan.CLUSTER_NAME_LABEL, plan.name(),
        KvmFlavor.DEPLOYMENT_NAME_LABEL, pool);
    String clusterApi = apiVersion("cluster-api", "cluster");
    KubeObject deployment = object(clusterApi, "MachineDeployment", pool, OrderedMap.of(
        "clusterName", plan.name(),
        "replicas", plan.var("WORKER_MACHINE_COUNT"),
        "selector", OrderedMap.of("matchLabels", poolLabels),
        "template", OrderedMap.of(
            "metadata", OrderedMap.of("labels", poolLabels),
            "spec", OrderedMap.of(
                "clusterName", plan.name(),
                "version", plan.kubernetesVersion(),
                "bootstrap", OrderedMap.of("configRef", ref(bootstrap)),
                "infrastructureRef", ref(machineTemplate)))));
    KubeObject healthCheck = healthCheck(pool, poolLabels);
    return List.of(bootstrap, deployment, healthCheck);
  }

  /** A MachineHealthCheck over the control plane Machines, as the CAPI book and CAPM3's remediation docs show it. */
  KubeObject controlPlaneHealthCheck() {
    return healthCheck(plan.name() + "-control-plane", KvmFlavor.controlPlaneMachineLabels(plan.name()));
  }

  /** A MachineHealthCheck in this contract's shape: Node not Ready for 5 minutes, or never joined in 10. */
  private KubeObject healthCheck(String name, Map<String, Object> machineLabels) {
    if (!v1beta1()) {
      return object(apiVersion("cluster-api", "cluster"), "MachineHealthCheck", name,
          KvmFlavor.healthCheckSpec(plan.name(), machineLabels));
    }
    String timeout = KvmFlavor.UNHEALTHY_NODE_TIMEOUT_SECONDS + "s";
    return object(apiVersion("cluster-api", "cluster"), "MachineHealthCheck", name, OrderedMap.of(
        "clusterName", plan.name(),
        "selector", OrderedMap.of("matchLabels", machineLabels),
        "nodeStartupTimeout", KvmFlavor.NODE_STARTUP_TIMEOUT_SECONDS + "s",
        "unhealthyConditions", List.of(
            OrderedMap.of("type", "Ready", "status", "Unknown", "timeout", timeout),
            OrderedMap.of("type", "Ready", "status", "False", "timeout", timeout))));
  }
}
