package io.capkit.api.flavor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.capkit.api.Problem;
import io.capkit.api.yaml.YamlDocuments;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlPlaneEndpointRuleTest {
  @SuppressWarnings("unchecked")
  private static List<String> check(String yaml) {
    List<Map<String, Object>> docs = YamlDocuments.loadAll("t.yaml", yaml).stream()
        .map(o -> (Map<String, Object>) o).toList();
    return ControlPlaneEndpointRule.check(docs).stream().map(Problem::format).toList();
  }

  private static final String CLUSTER = """
      apiVersion: cluster.x-k8s.io/v1beta2
      kind: Cluster
      metadata: {name: mixed}
      spec: {controlPlaneEndpoint: {host: 192.168.10.20, port: 6443}}
      ---
      """;

  @Test
  void consistentObjectsPass() {
    assertEquals(List.of(), check(CLUSTER + """
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
        kind: ByoCluster
        metadata: {name: mixed}
        spec: {controlPlaneEndpoint: {host: 192.168.10.20, port: 6443}}
        ---
        apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
        kind: Metal3Cluster
        metadata: {name: mixed}
        spec: {controlPlaneEndpoint: {host: 192.168.10.20, port: 6443}}
        ---
        apiVersion: controlplane.cluster.x-k8s.io/v1alpha2
        kind: KamajiControlPlane
        metadata: {name: mixed}
        spec: {network: {serviceAddress: 192.168.10.20}}
        """));
  }

  @Test
  void aSecondInfrastructureClusterMustShareNameAndEndpoint() {
    assertEquals(List.of(
        "Metal3Cluster workers: metadata.name: must be the Cluster's name mixed: machines find their infrastructure "
            + "cluster by Cluster.spec.infrastructureRef.name",
        "Metal3Cluster workers: spec.controlPlaneEndpoint: is {host=192.168.10.21, port=6443}, must equal the "
            + "Cluster's {host=192.168.10.20, port=6443}",
        "KamajiControlPlane mixed: spec.network.serviceAddress: is 10.0.0.1, must be the Cluster's endpoint host "
            + "192.168.10.20"),
        check(CLUSTER + """
            apiVersion: infrastructure.cluster.x-k8s.io/v1beta2
            kind: Metal3Cluster
            metadata: {name: workers}
            spec: {controlPlaneEndpoint: {host: 192.168.10.21, port: 6443}}
            ---
            apiVersion: controlplane.cluster.x-k8s.io/v1alpha2
            kind: KamajiControlPlane
            metadata: {name: mixed}
            spec: {network: {serviceAddress: 10.0.0.1}}
            """));
  }

  @Test
  void aKamajiEndpointPortIsTheClustersApiServerPort() {
    String kamaji = """
        apiVersion: controlplane.cluster.x-k8s.io/v1alpha2
        kind: KamajiControlPlane
        metadata: {name: hosted}
        spec: {network: {serviceAddress: 10.0.0.5}}
        """;
    assertEquals(List.of("Cluster hosted: spec.clusterNetwork.apiServerPort: is 6443, must be the endpoint port 31443: "
        + "it is the port of the Kamaji tenant control plane that serves the endpoint"), check("""
        apiVersion: cluster.x-k8s.io/v1beta2
        kind: Cluster
        metadata: {name: hosted}
        spec: {controlPlaneEndpoint: {host: 10.0.0.5, port: 31443}}
        ---
        """ + kamaji));
    assertEquals(List.of(), check("""
        apiVersion: cluster.x-k8s.io/v1beta2
        kind: Cluster
        metadata: {name: hosted}
        spec: {controlPlaneEndpoint: {host: 10.0.0.5, port: 31443}, clusterNetwork: {apiServerPort: 31443}}
        ---
        """ + kamaji));
  }
}
