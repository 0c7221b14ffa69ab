package io.capkit.api.flavor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.capkit.api.Problem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlavorNetworkRulesTest {
  private static final Map<String, Object> KUBE_VIP = Map.of("CONTROL_PLANE_LOAD_BALANCER", "kube-vip");

  private static List<String> check(String flavor, Object host, Object port, Map<String, ?> vars, boolean complete) {
    return FlavorNetworkRules.check(flavor, host, port, vars, complete).stream().map(Problem::format).toList();
  }

  @Test
  void kubeVipNeedsAnAddressOnTheApiServersPort() {
    assertEquals(List.of(), check("kvm", "10.0.0.5", 6443, KUBE_VIP, true));
    assertEquals(List.of("spec.controlPlaneEndpoint.host: must be an IPv4 address: kube-vip (CONTROL_PLANE_LOAD_BALANCER"
        + "=kube-vip) announces the endpoint address from the control plane machines, got api.example.com; set an "
        + "address, or CONTROL_PLANE_LOAD_BALANCER=external when a load balancer serves this name",
        "spec.controlPlaneEndpoint.port: must be 6443 with kube-vip (CONTROL_PLANE_LOAD_BALANCER=kube-vip): kube-vip "
            + "forwards no ports and kubeadm's API servers listen on 6443, got 443; use CONTROL_PLANE_LOAD_BALANCER="
            + "external for another port"), check("byoh-metal3", "api.example.com", 443, KUBE_VIP, true));
    assertEquals(1, check("metal3", "10.0.0.256", 6443, KUBE_VIP, true).size(), "not an address");
  }

  @Test
  void anExternalLoadBalancerOrAnUnknownChoiceTakesAnyEndpoint() {
    assertEquals(List.of(), check("kvm-metal3", "api.example.com", 443,
        Map.of("CONTROL_PLANE_LOAD_BALANCER", "external"), true));
    // The webhook sees no choice in the object: a defaults file may make it external.
    assertEquals(List.of(), check("kvm", "api.example.com", 443, Map.of(), false));
    // kube-vip is no concern of a hosted control plane.
    assertEquals(List.of(), check("kamaji-metal3", "10.0.0.5", 443, KUBE_VIP, true));
  }

  @Test
  void kamajiNodePortPortsMustBeNodePorts() {
    Map<String, Object> vars = new HashMap<>(Map.of("KAMAJI_SERVICE_TYPE", "NodePort", "KAMAJI_KONNECTIVITY_PORT", 8132));
    assertEquals(List.of(
        "spec.controlPlaneEndpoint.port: must be in the NodePort range 30000-32767 with KAMAJI_SERVICE_TYPE=NodePort: "
            + "Kamaji uses the tenant control plane's port, which capkit sets to the endpoint port, as the Service's "
            + "node port; got 6443",
        "spec.variables.KAMAJI_KONNECTIVITY_PORT: must be in the NodePort range 30000-32767 with KAMAJI_SERVICE_TYPE="
            + "NodePort: Kamaji uses it as the Konnectivity node port; got 8132"),
        check("kamaji-metal3", "10.0.0.5", 6443, vars, true));
    vars.put("KAMAJI_KONNECTIVITY_PORT", 31132);
    assertEquals(List.of(), check("kamaji-metal3", "10.0.0.5", 31443, vars, true));
    vars.put("KAMAJI_KONNECTIVITY_PORT", 31443);
    assertEquals(List.of("spec.variables.KAMAJI_KONNECTIVITY_PORT: must differ from the endpoint port 31443: the "
        + "Konnectivity server shares the hosted control plane's Service"), check("kamaji-metal3", "10.0.0.5", 31443,
        vars, true));
    assertEquals(List.of("spec.controlPlaneEndpoint.host: flavor kamaji-metal3 serves the API from a Kamaji Service "
        + "whose address is the endpoint host, so it must be an IPv4 address, got api.example.com"),
        check("kamaji-metal3", "api.example.com", 6443, Map.of("KAMAJI_SERVICE_TYPE", "LoadBalancer"), true));
  }

  @Test
  void metal3IpamNeedsItsGatewayAndInterfaceOnTheRangesNetwork() {
    Map<String, Object> vars = new HashMap<>(Map.of("METAL3_IPAM_RANGE", "10.1.0.100-10.1.0.200",
        "METAL3_IPAM_PREFIX", 24));
    assertEquals(List.of("spec.variables.METAL3_IPAM_GATEWAY: is required with METAL3_IPAM_RANGE",
        "spec.variables.METAL3_IPAM_INTERFACE: is required with METAL3_IPAM_RANGE"),
        check("metal3", "10.0.0.5", 6443, vars, true));
    assertEquals(List.of(), check("metal3", "10.0.0.5", 6443, vars, false), "a defaults file may set them");
    vars.put("METAL3_IPAM_INTERFACE", "enp2s0");
    vars.put("METAL3_IPAM_GATEWAY", "10.1.1.1");
    assertEquals(List.of("spec.variables.METAL3_IPAM_GATEWAY: 10.1.1.1 is not on the /24 network of METAL3_IPAM_RANGE "
        + "10.1.0.100-10.1.0.200"), check("kamaji-metal3", "10.0.0.5", 6443, vars, true));
    vars.put("METAL3_IPAM_GATEWAY", "10.1.0.150");
    assertEquals(List.of("spec.variables.METAL3_IPAM_GATEWAY: 10.1.0.150 lies inside METAL3_IPAM_RANGE "
        + "10.1.0.100-10.1.0.200, so the pool would hand it to a host"), check("kvm-metal3", "10.0.0.5", 6443, vars, true));
    vars.put("METAL3_IPAM_GATEWAY", "10.1.0.1");
    assertEquals(List.of(), check("byoh-metal3", "10.0.0.5", 6443, vars, true));
    vars.put("METAL3_IPAM_RANGE", "10.1.0.100-10.1.1.200");
    assertEquals(List.of("spec.variables.METAL3_IPAM_RANGE: 10.1.0.100-10.1.1.200 spans more than one /24 network"),
        check("metal3", "10.0.0.5", 6443, vars, true));
    assertEquals(List.of("spec.variables.METAL3_IPAM_GATEWAY: takes effect only with METAL3_IPAM_RANGE, which is not set"),
        check("metal3", "10.0.0.5", 6443, Map.of("METAL3_IPAM_GATEWAY", "10.1.0.1"), true));
  }
}
