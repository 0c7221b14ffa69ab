package io.capkit.renderer.kvm;

import io.capkit.api.infra.Infra;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.CoreDns;
import io.capkit.renderer.Flavor;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.KubeVip;
import io.capkit.renderer.OrderedMap;
import io.capkit.renderer.ReleaseInfo;
import io.capkit.renderer.SpecHash;
import java.util.List;
import java.util.Map;

/**
 * The {@code kvm} flavor: a kubeadm control plane and one pool of kubeadm workers, all on KVM machines from
 * the bundled provider, kube-vip serving the endpoint unless CONTROL_PLANE_LOAD_BALANCER=external, and a
 * MachineHealthCheck per machine set. Template names carry a hash of their spec because CAPI templates are immutable.
 */
public final class KvmFlavor implements Flavor {
  public static final String NAME = "kvm";
  public static final String CLUSTER_API = "cluster.x-k8s.io/v1beta2";
  public static final String CONTROL_PLANE_API = "controlplane.cluster.x-k8s.io/v1beta2";
  public static final String BOOTSTRAP_API = "bootstrap.cluster.x-k8s.io/v1beta2";
  public static final String DEPLOYMENT_NAME_LABEL = "cluster.x-k8s.io/deployment-name";
  /** The label KCP sets on control plane Machines. */
  public static final String CONTROL_PLANE_LABEL = "cluster.x-k8s.io/control-plane";
  /** The provider writes meta-data instance-id as {@code <host>/<uuid>}: kubelet's providerID matches KVMMachine's. */
  public static final String KUBELET_PROVIDER_ID = Infra.PROVIDER_ID_PREFIX + "{{ ds.meta_data.instance_id }}";
  public static final int NODE_STARTUP_TIMEOUT_SECONDS = 600;
  public static final int UNHEALTHY_NODE_TIMEOUT_SECONDS = 300;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<KubeObject> render(ClusterPlan p) {
    return render(p, null);
  }

  @Override
  public List<KubeObject> render(ClusterPlan p, ReleaseInfo release) {
    String name = p.name();
    String ns = p.namespace();
    Map<String, Object> endpoint = OrderedMap.of("host", p.endpointHost(), "port", p.endpointPort());

    KubeObject kvmCluster = KubeObject.of(Infra.API_VERSION, "KVMCluster", ns, name, p.labels(),
        OrderedMap.of("controlPlaneEndpoint", endpoint));

    Map<String, Object> cpMachineSpec = templateSpec(p.var("CONTROL_PLANE_MACHINE_CPUS"),
        p.var("CONTROL_PLANE_MACHINE_MEMORY"), p.var("KVM_BASE_IMAGE"), p.var("CONTROL_PLANE_VOLUME_SIZE_GB"),
        p.var("CONTROL_PLANE_DOCKER_VOLUME_SIZE_GB"));
    KubeObject cpTemplate = KubeObject.of(Infra.API_VERSION, "KVMMachineTemplate", ns,
        name + "-control-plane-" + SpecHash.of(cpMachineSpec), p.labels(), cpMachineSpec);

    Map<String, Object> kubeadmConfigSpec = OrderedMap.of(
        "initConfiguration", OrderedMap.of("nodeRegistration", nodeRegistration()),
        "joinConfiguration", OrderedMap.of("nodeRegistration", nodeRegistration()));
    KubeVip.addTo(kubeadmConfigSpec, p, null);
    KubeObject controlPlane = KubeObject.of(CONTROL_PLANE_API, "KubeadmControlPlane", ns, name, p.labels(),
        OrderedMap.of(
            "replicas", p.var("CONTROL_PLANE_MACHINE_COUNT"),
            "version", p.kubernetesVersion(),
            "machineTemplate", OrderedMap.of("spec", OrderedMap.of("infrastructureRef", cpTemplate.ref())),
            "kubeadmConfigSpec", kubeadmConfigSpec));
    if (CoreDns.fromChart(release)) {
      CoreDns.leaveToChart(controlPlane, kubeadmConfigSpec);
    }

    KubeObject cluster = KubeObject.of(KvmFlavor.CLUSTER_API, "Cluster", ns, name, clusterLabels(p),
        OrderedMap.of(
            "clusterNetwork", OrderedMap.of(
                "pods", OrderedMap.of("cidrBlocks", List.of(p.var("POD_IP_RANGE"))),
                "services", OrderedMap.of("cidrBlocks", List.of(p.var("SERVICE_IP_RANGE")))),
            "controlPlaneEndpoint", endpoint,
            "controlPlaneRef", controlPlane.ref(),
            "infrastructureRef", kvmCluster.ref()));

    String pool = name + "-md-0";
    Map<String, Object> workerMachineSpec = templateSpec(p.var("WORKER_MACHINE_CPUS"),
        p.var("WORKER_MACHINE_MEMORY"), p.var("KVM_BASE_IMAGE"), p.var("VOLUME_SIZE_GB"), p.var("DOCKER_VOLUME_SIZE_GB"));
    KubeObject workerTemplate = KubeObject.of(Infra.API_VERSION, "KVMMachineTemplate", ns,
        pool + "-" + SpecHash.of(workerMachineSpec), p.labels(), workerMachineSpec);

    Map<String, Object> bootstrapSpec = OrderedMap.of("template", OrderedMap.of("spec", OrderedMap.of(
        "joinConfiguration", OrderedMap.of("nodeRegistration", nodeRegistration()))));
    KubeObject bootstrapTemplate = KubeObject.of(BOOTSTRAP_API, "KubeadmConfigTemplate", ns,
        pool + "-" + SpecHash.of(bootstrapSpec), p.labels(), bootstrapSpec);

    Map<String, Object> poolLabels = OrderedMap.of(ClusterPlan.CLUSTER_NAME_LABEL, name, DEPLOYMENT_NAME_LABEL, pool);
    KubeObject deployment = KubeObject.of(CLUSTER_API, "MachineDeployment", ns, pool, p.labels(),
        OrderedMap.of(
            "clusterName", name,
            "replicas", p.var("WORKER_MACHINE_COUNT"),
            "selector", OrderedMap.of("matchLabels", poolLabels),
            "template", OrderedMap.of(
                "metadata", OrderedMap.of("labels", poolLabels),
                "spec", OrderedMap.of(
                    "clusterName", name,
                    "version", p.kubernetesVersion(),
                    "bootstrap", OrderedMap.of("configRef", bootstrapTemplate.ref()),
                    "infrastructureRef", workerTemplate.ref()))));

    KubeObject healthCheck = KubeObject.of(CLUSTER_API, "MachineHealthCheck", ns, pool, p.labels(),
        healthCheckSpec(name, poolLabels));
    KubeObject controlPlaneHealthCheck = KubeObject.of(CLUSTER_API, "MachineHealthCheck", ns,
        name + "-control-plane", p.labels(), healthCheckSpec(name, controlPlaneMachineLabels(name)));

    return List.of(cluster, kvmCluster, cpTemplate, controlPlane, workerTemplate, bootstrapTemplate, deployment,
        healthCheck, controlPlaneHealthCheck);
  }

  /** The labels KCP puts on its Machines, which a control plane MachineHealthCheck selects (CAPI book, CAPM3 docs). */
  public static Map<String, Object> controlPlaneMachineLabels(String cluster) {
    return OrderedMap.of(ClusterPlan.CLUSTER_NAME_LABEL, cluster, CONTROL_PLANE_LABEL, "");
  }

  /** A v1beta2 MachineHealthCheck spec: Machines whose Node is not Ready for 5 minutes, or never joins, are remediated. */
  public static Map<String, Object> healthCheckSpec(String cluster, Map<String, Object> machineLabels) {
    return OrderedMap.of(
        "clusterName", cluster,
        "selector", OrderedMap.of("matchLabels", machineLabels),
        "checks", OrderedMap.of(
            "nodeStartupTimeoutSeconds", NODE_STARTUP_TIMEOUT_SECONDS,
            "unhealthyNodeConditions", List.of(
                OrderedMap.of("type", "Ready", "status", "Unknown", "timeoutSeconds", UNHEALTHY_NODE_TIMEOUT_SECONDS),
                OrderedMap.of("type", "Ready", "status", "False", "timeoutSeconds", UNHEALTHY_NODE_TIMEOUT_SECONDS))));
  }

  private static Map<String, Object> clusterLabels(ClusterPlan p) {
    Map<String, Object> labels = p.labels();
    if (p.release() != null) {
      labels.put(io.capkit.api.release.Release.VERSION_LABEL, p.release());
    }
    return labels;
  }

  /** A KVMMachineTemplate spec; kvm-metal3 builds its control plane from it too. */
  public static Map<String, Object> templateSpec(Object cpus, Object memory, Object image, Object rootGb,
                                                  Object dockerGb) {
    return OrderedMap.of("template", OrderedMap.of("spec", OrderedMap.of(
        "cpus", cpus,
        "memory", memory,
        "image", OrderedMap.of("volume", image),
        "volumes", OrderedMap.of("rootSizeGB", rootGb, "dockerSizeGB", dockerGb))));
  }

  // kubeadm v1beta2 takes kubelet arguments as a list of {name, value}.
  public static Map<String, Object> nodeRegistration() {
    return OrderedMap.of("kubeletExtraArgs", List.of(OrderedMap.of("name", "provider-id", "value", KUBELET_PROVIDER_ID)));
  }
}
