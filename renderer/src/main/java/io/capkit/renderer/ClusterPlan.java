package io.capkit.renderer;

import java.util.Map;

/**
 * Everything a {@link Flavor} needs to render one cluster, already resolved and validated. In a clusterctl
 * template the values are {@link io.capkit.renderer.yaml.Placeholder}s instead of concrete values.
 *
 * @param name              the Cluster name
 * @param namespace         the Cluster namespace
 * @param release           the Release name (vX.Y.Z), or null in a clusterctl template
 * @param kubernetesVersion e.g. {@code v1.33.5}
 * @param endpointHost      the API server host name
 * @param endpointPort      the API server port
 * @param variables         contract variable → value (normalised)
 */
public record ClusterPlan(String name, String namespace, String release, Object kubernetesVersion,
                          Object endpointHost, Object endpointPort, Map<String, Object> variables) {
  public static final String CLUSTER_NAME_LABEL = "cluster.x-k8s.io/cluster-name";

  /** A contract variable's value; fails loudly when the contract has no such variable. */
  public Object var(String variable) {
    Object v = variables.get(variable);
    if (v == null) {
      throw new IllegalStateException("variable " + variable + " was not resolved");
    }
    return v;
  }

  /** The labels every object of the cluster carries. */
  public Map<String, Object> labels() {
    return OrderedMap.of(CLUSTER_NAME_LABEL, name);
  }
}
