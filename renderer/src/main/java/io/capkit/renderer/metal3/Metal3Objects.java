package io.capkit.renderer.metal3;

import io.capkit.api.contract.HostLabels;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import java.util.List;
import java.util.Map;

/**
 * Metal3 objects as seed 001 wires them: a Metal3Cluster with the Cluster's name and endpoint, and per machine
 * role a Metal3DataTemplate plus a Metal3MachineTemplate that points at it. Metal3 nodes register with the
 * kubelet label {@code metal3.io/uuid} and the provider ID {@code metal3://<uuid>}, both from the host's
 * meta-data, so CAPM3 can match Node, Metal3Machine and BareMetalHost.
 */
final class Metal3Objects {
  static final String UUID_LABEL = "metal3.io/uuid";
  static final String NODE_LABELS = UUID_LABEL + "={{ ds.meta_data.uuid }}";
  static final String PROVIDER_ID = "metal3://{{ ds.meta_data.uuid }}";
  static final String NODE_NAME = "{{ ds.meta_data.name }}";
  private final CoreObjects capi;
  private final ClusterPlan plan;

  Metal3Objects(CoreObjects capi, ClusterPlan plan) {
    this.capi = capi;
    this.plan = plan;
  }

  private String api() {
    return capi.apiVersion("metal3", "infrastructure");
  }

  /** Named like the Cluster: Metal3Machines find their Metal3Cluster through Cluster.spec.infrastructureRef.name. */
  KubeObject cluster() {
    // CAPM3 then sets Node provider IDs from the metal3.io/uuid label; v1beta1 spells that noCloudProvider (seed 001).
    Map<String, Object> spec = OrderedMap.of("controlPlaneEndpoint", capi.endpoint());
    if (capi.v1beta1()) {
      spec.put("noCloudProvider", true);
    } else {
      spec.put("cloudProviderEnabled", false);
    }
    return capi.object(api(), "Metal3Cluster", plan.name(), spec);
  }

  /** The data template and machine template of one role; the machine template comes second. */
  List<KubeObject> machineTemplate(String prefix) {
    Map<String, Object> dataSpec = OrderedMap.of(
        "clusterName", plan.name(),
        "metaData", OrderedMap.of("objectNames", List.of(
            OrderedMap.of("key", "name", "object", "machine"),
            OrderedMap.of("key", "local-hostname", "object", "machine"),
            OrderedMap.of("key", "local_hostname", "object", "machine"))));
    KubeObject data = capi.hashed(api(), "Metal3DataTemplate", prefix, dataSpec);
    Map<String, Object> image = OrderedMap.of(
        "url", plan.var("METAL3_IMAGE_URL"),
        "checksum", plan.var("METAL3_IMAGE_CHECKSUM"),
        "checksumType", plan.var("METAL3_IMAGE_CHECKSUM_TYPE"),
        capi.v1beta1() ? "format" : "diskFormat", plan.var("METAL3_IMAGE_FORMAT"));
    Map<String, Object> machineSpec = OrderedMap.of(
        "dataTemplate", OrderedMap.of("name", data.name()),
        "image", image,
        "hostSelector", hostSelector());
    KubeObject machine = capi.hashed(api(), "Metal3MachineTemplate", prefix,
        // nodeReuse is the CRD's default, written out so that Git and the stored object are equal.
        OrderedMap.of("nodeReuse", false, "template", OrderedMap.of("spec", machineSpec)));
    return List.of(data, machine);
  }

  /** nodeRegistration for a kubeadm init or join on a Metal3 host. */
  Map<String, Object> nodeRegistration() {
    return OrderedMap.of(
        "name", NODE_NAME,
        "kubeletExtraArgs", capi.kubeletArgs("node-labels", NODE_LABELS, "provider-id", PROVIDER_ID));
  }

  // A clusterctl template has a placeholder here; hosts are then picked by clusterctl's substituted labels.
  private Map<String, Object> hostSelector() {
    Object text = plan.variables().get("METAL3_HOST_SELECTOR");
    if (!(text instanceof String s) || s.isBlank()) {
      return null;
    }
    return OrderedMap.of("matchLabels", new java.util.LinkedHashMap<String, Object>(HostLabels.parse(s)));
  }
}
