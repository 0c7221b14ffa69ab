package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.capkit.api.source.DirectoryTree;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.renderer.schema.CrdSchemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every rendered object validates against the upstream CRD version it names (CAPI v1beta1/v1beta2, Metal3, Kamaji,
 * BYOH, Flux) or capkit's own, unknown fields rejected.
 */
class RenderedSchemaTest {
  private static CrdSchemas schemas;

  @BeforeAll
  static void load() {
    java.nio.file.Path upstream = RepoFiles.upstreamCrds();
    schemas = CrdSchemas.load(List.of(DirectoryTree.open(upstream.resolve("capi")),
        DirectoryTree.open(upstream.resolve("flux")), DirectoryTree.open(upstream.resolve("metal3")),
        DirectoryTree.open(upstream.resolve("kamaji")), DirectoryTree.open(upstream.resolve("byoh")),
        DirectoryTree.open(RepoFiles.root().resolve("crds"))));
  }

  @Test
  void everyRenderedObjectMatchesItsCrd() {
    SortedMap<String, byte[]> files = Renderer.standard().render(RepoFiles.exampleFleet(), RepoFiles.releases()).files();
    List<Problem> problems = new ArrayList<>();
    Map<String, Integer> kinds = new LinkedHashMap<>();
    java.util.Set<String> apiVersions = new java.util.TreeSet<>();
    files.forEach((path, bytes) -> {
      if (path.endsWith(OutputLayout.KUSTOMIZATION)) {
        return;
      }
      for (Object doc : YamlDocuments.loadAll(path, new String(bytes, StandardCharsets.UTF_8))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) doc;
        kinds.merge((String) object.get("kind"), 1, Integer::sum);
        apiVersions.add(object.get("apiVersion") + " " + object.get("kind"));
        problems.addAll(schemas.validate(path, object));
      }
    });
    assertTrue(problems.isEmpty(), problems.stream().map(Problem::format).reduce("", (a, b) -> a + "\n" + b));
    assertEquals(List.of("ByoCluster", "ByoMachineTemplate", "Cluster", "HelmRelease", "HelmRepository",
        "IPPool", "KVMCluster", "KVMMachineTemplate", "KamajiControlPlane", "KubeadmConfigTemplate", "KubeadmControlPlane",
        "MachineDeployment", "MachineHealthCheck", "Metal3Cluster", "Metal3DataTemplate", "Metal3MachineTemplate"),
        kinds.keySet().stream().sorted().toList(), "every kind was checked");
    // Both contracts are exercised: byoh-metal3 renders v1beta1 (BYOH serves nothing newer), the rest v1beta2.
    for (String expected : List.of("cluster.x-k8s.io/v1beta1 Cluster", "cluster.x-k8s.io/v1beta2 Cluster",
        "infrastructure.cluster.x-k8s.io/v1beta1 ByoCluster", "infrastructure.cluster.x-k8s.io/v1beta1 Metal3Cluster",
        "infrastructure.cluster.x-k8s.io/v1beta2 Metal3Cluster",
        "controlplane.cluster.x-k8s.io/v1alpha2 KamajiControlPlane")) {
      assertTrue(apiVersions.contains(expected), expected + " in " + apiVersions);
    }
  }

  @Test
  void unknownFieldsAndWrongTypesAreReported() {
    Map<String, Object> cluster = YamlDocuments.loadOne("c.yaml", """
        apiVersion: cluster.x-k8s.io/v1beta2
        kind: Cluster
        metadata: {name: a, namespace: b, uid: x}
        spec:
          clusterNetwork: {pods: {cidrBlocks: ["10.0.0.0/8"]}, podz: {}}
          infrastructureRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1, kind: KVMCluster, name: a}
          paused: "yes"
        """);
    List<String> problems = schemas.validate("c.yaml", cluster).stream().map(Problem::format).toList();
    String all = String.join("\n", problems);
    assertTrue(all.contains("c.yaml: Cluster a: metadata.uid: unknown field"), all);
    assertTrue(all.contains("c.yaml: Cluster a: spec.clusterNetwork.podz: unknown field"), all);
    assertTrue(all.contains("c.yaml: Cluster a: spec.infrastructureRef.apiVersion: unknown field"),
        "v1beta1-style ref refused: " + all);
    assertTrue(all.contains("c.yaml: Cluster a: spec.infrastructureRef.apiGroup: is required"), all);
    assertTrue(all.contains("c.yaml: Cluster a: spec.paused: string found, boolean expected"), all);
    assertEquals(5, problems.size(), all);
  }

  @Test
  void unknownKindsHaveNoSchema() {
    Map<String, Object> o = YamlDocuments.loadOne("x.yaml", "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: a}\n");
    List<Problem> problems = schemas.validate("x.yaml", o);
    assertEquals(1, problems.size());
    assertEquals("x.yaml: Thing a: no CRD schema for example.com/v1 Thing", problems.get(0).format());
    assertFalse(schemas.knows("example.com/v1", "Thing"));
  }
}
