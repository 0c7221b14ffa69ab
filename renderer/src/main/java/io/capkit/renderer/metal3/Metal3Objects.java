package io.capkit.renderer.metal3;

import io.capkit.api.contract.HostLabels;
import io.capkit.renderer.ClusterPlan;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OrderedMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Metal3 objects as seed 001 wires them: a Metal3Cluster with the Cluster's name and endpoint, and per machine
 * role a Metal3DataTemplate plus a Metal3MachineTemplate that points at it. Metal3 nodes register with the
 * kubelet label {@code metal3.io/uuid} and the provider ID {@code metal3://<namespace>/<host>/<metal3machine>},
 * both from the host's meta-data, so CAPM3 can match Node, Metal3Machine and BareMetalHost. With
 * METAL3_IPAM_RANGE an IPPool gives each host a static address through the data template's network data.
 */
final class Metal3Objects {
  static final String UUID_LABEL = "metal3.io/uuid";
  static final String NODE_LABELS = UUID_LABEL + "={{ ds.meta_data.uuid }}";
  /** CAPM3's Metal3Data publishes {@code providerid} = {@code <namespace>/<host>/<metal3machine>}: its current form. */
  static final String PROVIDER_ID = "metal3://{{ ds.meta_data.providerid }}";
  static final String IPAM_API = "ipam.metal3.io/v1alpha1";
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
    Object iface = plan.variables().get("METAL3_IPAM_INTERFACE");
    if (ipamRange() != null && iface != null) {
      dataSpec.put("networkData", networkData(String.valueOf(iface)));
    }
    KubeObject data = capi.hashed(api(), "Metal3DataTemplate", prefix, dataSpec);
    Map<String, Object> image = OrderedMap.of(
        "url", plan.var("METAL3_IMAGE_URL"),
        "checksum", plan.var("METAL3_IMAGE_CHECKSUM"),
        "checksumType", plan.var("METAL3_IMAGE_CHECKSUM_TYPE"),
        capi.v1beta1() ? "format" : "diskFormat", plan.var("METAL3_IMAGE_FORMAT"));
    Map<String, Object> machineSpec = OrderedMap.of(
        // As CAPM3's templates: the host's disk metadata is wiped when it is provisioned and released.
        "automatedCleaningMode", "metadata",
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

  /** The cluster's IPPool, when METAL3_IPAM_RANGE asks for static addresses. */
  Optional<KubeObject> ipPool() {
    String range = ipamRange();
    if (range == null) {
      return Optional.empty();
    }
    String[] ends = range.split("-");
    Object dns = plan.variables().get("METAL3_IPAM_DNS_SERVERS");
    return Optional.of(capi.object(IPAM_API, "IPPool", ipPoolName(), OrderedMap.of(
        "clusterName", plan.name(),
        "namePrefix", ipPoolName(),
        "pools", List.of(OrderedMap.of("start", ends[0], "end", ends[1])),
        "prefix", plan.var("METAL3_IPAM_PREFIX"),
        "gateway", plan.var("METAL3_IPAM_GATEWAY"),
        "dnsServers", dns instanceof String d ? dnsServers(d) : null)));
  }

  private String ipPoolName() {
    return plan.name() + "-ipam";
  }

  private String ipamRange() {
    return plan.variables().get("METAL3_IPAM_RANGE") instanceof String r && !r.isEmpty() ? r : null;
  }

  private static List<Object> dnsServers(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).map(x -> (Object) x).toList();
  }

  // The IPAM path of CAPM3's examples: the NIC by its inspected name, an address and default route from the pool.
  private Map<String, Object> networkData(String iface) {
    Object dns = plan.variables().get("METAL3_IPAM_DNS_SERVERS");
    return OrderedMap.of(
        "links", OrderedMap.of("ethernets", List.of(OrderedMap.of(
            "type", "phy",
            "id", iface,
            "macAddress", OrderedMap.of("fromHostInterface", iface),
            // The CRD's default, written out so that Git and the stored object are equal.
            "mtu", 1500))),
        "networks", OrderedMap.of("ipv4", List.of(OrderedMap.of(
            "id", ipPoolName(),
            "link", iface,
            "ipAddressFromIPPool", ipPoolName(),
            "routes", List.of(OrderedMap.of(
                "network", "0.0.0.0",
                "prefix", 0,
                "gateway", OrderedMap.of("fromIPPool", ipPoolName())))))),
        "services", dns instanceof String d ? OrderedMap.of("dns", dnsServers(d)) : null);
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
