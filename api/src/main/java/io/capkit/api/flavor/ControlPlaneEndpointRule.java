package io.capkit.api.flavor;

import io.capkit.api.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one rule that keeps a multi-provider cluster's endpoint consistent (seeds 001, 003): every infrastructure
 * cluster object and hosted control plane of a Cluster carries the Cluster's {@code spec.controlPlaneEndpoint};
 * every infrastructure cluster has the Cluster's name, because Metal3Machine and ByoMachine find theirs by
 * {@code Cluster.spec.infrastructureRef.name}; a Kamaji service address is the endpoint host and the tenant control
 * plane's port (the Cluster's {@code clusterNetwork.apiServerPort}) the endpoint port.
 */
public final class ControlPlaneEndpointRule {
  /** CAPI's default for Cluster.spec.clusterNetwork.apiServerPort. */
  static final int DEFAULT_API_SERVER_PORT = 6443;

  private ControlPlaneEndpointRule() {}

  /** Problems among one cluster's objects (parsed documents); empty when consistent or when there is no Cluster. */
  public static List<Problem> check(List<Map<String, Object>> objects) {
    List<Problem> problems = new ArrayList<>();
    Map<String, Object> cluster = objects.stream().filter(o -> "Cluster".equals(o.get("kind"))
        && String.valueOf(o.get("apiVersion")).startsWith("cluster.x-k8s.io/")).findFirst().orElse(null);
    if (cluster == null) {
      return problems;
    }
    String clusterName = name(cluster);
    Object endpoint = spec(cluster).get("controlPlaneEndpoint");
    for (Map<String, Object> o : objects) {
      if (o == cluster) {
        continue;
      }
      String kind = String.valueOf(o.get("kind"));
      String where = kind + " " + name(o);
      Map<String, Object> spec = spec(o);
      boolean infraCluster = String.valueOf(o.get("apiVersion")).startsWith("infrastructure.cluster.x-k8s.io/")
          && kind.endsWith("Cluster");
      if (infraCluster && !clusterName.equals(name(o))) {
        problems.add(Problem.at(where + ": metadata.name", "must be the Cluster's name " + clusterName
            + ": machines find their infrastructure cluster by Cluster.spec.infrastructureRef.name"));
      }
      if ((infraCluster || spec.containsKey("controlPlaneEndpoint"))
          && !Objects.equals(normal(endpoint), normal(spec.get("controlPlaneEndpoint")))) {
        problems.add(Problem.at(where + ": spec.controlPlaneEndpoint", "is " + spec.get("controlPlaneEndpoint")
            + ", must equal the Cluster's " + endpoint));
      }
      if ("KamajiControlPlane".equals(kind) && spec.get("network") instanceof Map<?, ?> network
          && endpoint instanceof Map<?, ?> e && !Objects.equals(network.get("serviceAddress"), e.get("host"))) {
        problems.add(Problem.at(where + ": spec.network.serviceAddress", "is " + network.get("serviceAddress")
            + ", must be the Cluster's endpoint host " + e.get("host")));
      }
      // The Kamaji control plane provider gives the tenant control plane the Cluster's apiServerPort (6443 unset).
      if ("KamajiControlPlane".equals(kind) && endpoint instanceof Map<?, ?> e
          && !String.valueOf(e.get("port")).equals(String.valueOf(apiServerPort(cluster)))) {
        problems.add(Problem.at("Cluster " + clusterName + ": spec.clusterNetwork.apiServerPort", "is "
            + apiServerPort(cluster) + ", must be the endpoint port " + e.get("port")
            + ": it is the port of the Kamaji tenant control plane that serves the endpoint"));
      }
    }
    return problems;
  }

  private static Object apiServerPort(Map<String, Object> cluster) {
    return spec(cluster).get("clusterNetwork") instanceof Map<?, ?> n && n.get("apiServerPort") != null
        ? n.get("apiServerPort") : DEFAULT_API_SERVER_PORT;
  }

  private static Object normal(Object endpoint) {
    if (endpoint instanceof Map<?, ?> m) {
      return List.of(String.valueOf(m.get("host")), String.valueOf(m.get("port")));
    }
    return endpoint;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> o) {
    return o.get("spec") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static String name(Map<String, Object> o) {
    return o.get("metadata") instanceof Map<?, ?> m ? String.valueOf(m.get("name")) : "null";
  }
}
