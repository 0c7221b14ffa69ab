package io.capkit.api.flavor;

import io.capkit.api.Problem;
import io.capkit.api.contract.Ipv4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a flavor's endpoint and networks can work on real infrastructure, checked before anything is rendered:
 * <ul>
 *   <li>kube-vip (CONTROL_PLANE_LOAD_BALANCER=kube-vip) announces an address on the control plane machines and
 *   forwards no ports, so the endpoint is an IPv4 address on the API servers' port 6443;</li>
 *   <li>Kamaji serves the hosted API server from a Service whose address is the endpoint host and whose port is
 *   the tenant control plane's port (Cluster.spec.clusterNetwork.apiServerPort, rendered from the endpoint port);
 *   with a NodePort Service that port, and the Konnectivity server's, become node ports and must be in
 *   30000-32767;</li>
 *   <li>Metal3 IPAM needs its gateway and interface, on the range's network.</li>
 * </ul>
 * The renderer calls it with every variable resolved ({@code complete}); the admission webhook with a
 * WorkloadCluster's own values only, so checks needing a value it cannot see (set in a defaults file) are skipped.
 */
public final class FlavorNetworkRules {
  public static final String LOAD_BALANCER = "CONTROL_PLANE_LOAD_BALANCER";
  public static final String KUBE_VIP = "kube-vip";
  /** The port kubeadm's API servers bind; kube-vip announces the address only. */
  public static final int KUBEADM_API_PORT = 6443;
  /** Flavors whose control plane runs on kubeadm machines: the endpoint is kube-vip's or an external one. */
  public static final Set<String> KUBEADM_FLAVORS = Set.of("kvm", "metal3", "kvm-metal3", "byoh-metal3");
  public static final Set<String> METAL3_FLAVORS = Set.of("metal3", "kvm-metal3", "byoh-metal3", "kamaji-metal3");
  public static final String KAMAJI = "kamaji-metal3";
  /** Kubernetes' default Service node port range (kube-apiserver --service-node-port-range). */
  public static final int NODE_PORT_MIN = 30000;
  public static final int NODE_PORT_MAX = 32767;
  static final String HOST = "spec.controlPlaneEndpoint.host";
  static final String PORT = "spec.controlPlaneEndpoint.port";
  static final String VARS = "spec.variables.";
  private static final List<String> IPAM_DEPENDENTS = List.of("METAL3_IPAM_GATEWAY", "METAL3_IPAM_INTERFACE",
      "METAL3_IPAM_DNS_SERVERS");

  private FlavorNetworkRules() {}

  /**
   * Problems with {@code flavor}'s endpoint and networks.
   *
   * @param host      the endpoint host, or null when unknown (the webhook, no spec.controlPlaneEndpoint)
   * @param port      the endpoint port, or null when unknown
   * @param variables variable name → value
   * @param complete  true when {@code variables} holds every resolved value (defaults included); false when a value
   *                  missing from it may still come from a defaults file
   */
  public static List<Problem> check(String flavor, Object host, Object port, Map<String, ?> variables,
                                    boolean complete) {
    List<Problem> problems = new ArrayList<>();
    if (KUBEADM_FLAVORS.contains(flavor) && KUBE_VIP.equals(variables.get(LOAD_BALANCER))) {
      if (host instanceof String h && !Ipv4Address.isValid(h)) {
        problems.add(Problem.at(HOST, "must be an IPv4 address: kube-vip (" + LOAD_BALANCER + "=kube-vip) announces "
            + "the endpoint address from the control plane machines, got " + h + "; set an address, or " + LOAD_BALANCER
            + "=external when a load balancer serves this name"));
      }
      if (port instanceof Number p && p.intValue() != KUBEADM_API_PORT) {
        problems.add(Problem.at(PORT, "must be " + KUBEADM_API_PORT + " with kube-vip (" + LOAD_BALANCER
            + "=kube-vip): kube-vip forwards no ports and kubeadm's API servers listen on " + KUBEADM_API_PORT
            + ", got " + p + "; use " + LOAD_BALANCER + "=external for another port"));
      }
    }
    if (KAMAJI.equals(flavor)) {
      checkKamaji(host, port, variables, problems);
    }
    if (METAL3_FLAVORS.contains(flavor)) {
      checkIpam(variables, complete, problems);
    }
    return problems;
  }

  private static void checkKamaji(Object host, Object port, Map<String, ?> variables, List<Problem> problems) {
    if (host instanceof String h && !Ipv4Address.isValid(h)) {
      problems.add(Problem.at(HOST, "flavor " + KAMAJI + " serves the API from a Kamaji Service whose address is "
          + "the endpoint host, so it must be an IPv4 address, got " + h));
    }
    Object konnectivity = variables.get("KAMAJI_KONNECTIVITY_PORT");
    if (port instanceof Number p && konnectivity instanceof Number k && p.intValue() == k.intValue()) {
      problems.add(Problem.at(VARS + "KAMAJI_KONNECTIVITY_PORT", "must differ from the endpoint port " + p
          + ": the Konnectivity server shares the hosted control plane's Service"));
    }
    if ("NodePort".equals(variables.get("KAMAJI_SERVICE_TYPE"))) {
      if (port instanceof Number p && !isNodePort(p.intValue())) {
        problems.add(Problem.at(PORT, "must be in the NodePort range " + NODE_PORT_MIN + "-" + NODE_PORT_MAX
            + " with KAMAJI_SERVICE_TYPE=NodePort: Kamaji uses the tenant control plane's port, which capkit sets to "
            + "the endpoint port, as the Service's node port; got " + p));
      }
      if (konnectivity instanceof Number k && !isNodePort(k.intValue())) {
        problems.add(Problem.at(VARS + "KAMAJI_KONNECTIVITY_PORT", "must be in the NodePort range " + NODE_PORT_MIN
            + "-" + NODE_PORT_MAX + " with KAMAJI_SERVICE_TYPE=NodePort: Kamaji uses it as the Konnectivity node "
            + "port; got " + k));
      }
    }
  }

  private static void checkIpam(Map<String, ?> variables, boolean complete, List<Problem> problems) {
    Object range = variables.get("METAL3_IPAM_RANGE");
    if (range == null) {
      if (complete) {
        for (String v : IPAM_DEPENDENTS) {
          if (variables.get(v) != null) {
            problems.add(Problem.at(VARS + v, "takes effect only with METAL3_IPAM_RANGE, which is not set"));
          }
        }
      }
      return;
    }
    for (String v : List.of("METAL3_IPAM_GATEWAY", "METAL3_IPAM_INTERFACE")) {
      if (complete && variables.get(v) == null) {
        problems.add(Problem.at(VARS + v, "is required with METAL3_IPAM_RANGE"));
      }
    }
    if (range instanceof String r && variables.get("METAL3_IPAM_GATEWAY") instanceof String g
        && variables.get("METAL3_IPAM_PREFIX") instanceof Number prefix) {
      try {
        List<Ipv4Address> ends = Ipv4Address.parseRange(r);
        Ipv4Address gateway = Ipv4Address.parse(g);
        int bits = prefix.intValue();
        if (!ends.get(0).sameNetwork(ends.get(1), bits)) {
          problems.add(Problem.at(VARS + "METAL3_IPAM_RANGE", r + " spans more than one /" + bits + " network"));
        } else if (!ends.get(0).sameNetwork(gateway, bits)) {
          problems.add(Problem.at(VARS + "METAL3_IPAM_GATEWAY", g + " is not on the /" + bits + " network of "
              + "METAL3_IPAM_RANGE " + r));
        } else if (gateway.compareTo(ends.get(0)) >= 0 && gateway.compareTo(ends.get(1)) <= 0) {
          problems.add(Problem.at(VARS + "METAL3_IPAM_GATEWAY", g + " lies inside METAL3_IPAM_RANGE " + r
              + ", so the pool would hand it to a host"));
        }
      } catch (IllegalArgumentException e) {
        // The contract reports malformed values on their own variable.
      }
    }
  }

  private static boolean isNodePort(int port) {
    return port >= NODE_PORT_MIN && port <= NODE_PORT_MAX;
  }
}
