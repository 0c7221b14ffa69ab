package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.YamlDocuments;
import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.KubeApiServerExtension;
import io.capkit.testsupport.ServerSideApply;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every flavor's rendered output, applied server-side to a real API server with the upstream CAPI, Metal3, Kamaji,
 * BYOH and Flux CRDs installed (CrdSources): accepted, and stored without the server pruning or changing a spec.
 */
@ExtendWith(KubeApiServerExtension.class)
class FlavorsApplyIT {
  private static final String ORG = "management-clusters/mc-berlin/organizations/initech/";

  /** The first path whose sent value the server dropped or changed, or null when all of {@code sent} is stored. */
  private static String lost(String path, Object sent, Object stored) {
    if (sent instanceof Map<?, ?> s && stored instanceof Map<?, ?> b) {
      for (Map.Entry<?, ?> e : s.entrySet()) {
        String l = lost(path + "." + e.getKey(), e.getValue(), b.get(e.getKey()));
        if (l != null) {
          return l;
        }
      }
      return null;
    }
    if (sent instanceof List<?> s && stored instanceof List<?> b && s.size() == b.size()) {
      for (int i = 0; i < s.size(); i++) {
        String l = lost(path + "[" + i + "]", s.get(i), b.get(i));
        if (l != null) {
          return l;
        }
      }
      return null;
    }
    return java.util.Objects.equals(sent, stored) ? null : path + " (sent " + sent + ", stored " + stored + ")";
  }

  @Test
  void everyFlavorAppliesWithoutPruning(KubernetesClient client, EmbeddedApiServer server) {
    SortedMap<String, byte[]> files = Renderer.standard().render(RepoFiles.exampleFleet(), RepoFiles.releases()).files();
    ServerSideApply ssa = new ServerSideApply(client, "capkit-flavors-it");
    TreeSet<String> namespaces = new TreeSet<>();
    TreeSet<String> applied = new TreeSet<>();
    TreeSet<String> roundTripped = new TreeSet<>();
    Map<String, String> storage = new java.util.HashMap<>();
    client.apiextensions().v1().customResourceDefinitions().list().getItems().forEach(crd -> crd.getSpec().getVersions()
        .stream().filter(v -> Boolean.TRUE.equals(v.getStorage())).forEach(v -> storage.put(crd.getSpec().getNames()
            .getKind(), crd.getSpec().getGroup() + "/" + v.getName())));
    List<String> deprecated = new ArrayList<>();
    for (String cluster : List.of("edge-metal", "hybrid", "hosted", "mixed")) {
      String path = ORG + "workload-clusters/" + cluster + "/manifests.yaml";
      byte[] bytes = files.get(path);
      assertNotNull(bytes, path);
      server.clearWarnings();
      for (Object doc : YamlDocuments.loadAll(path, new String(bytes, StandardCharsets.UTF_8))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) doc;
        @SuppressWarnings("unchecked")
        String ns = (String) ((Map<String, Object>) object.get("metadata")).get("namespace");
        if (namespaces.add(ns)) {
          client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
              .serverSideApply();
        }
        GenericKubernetesResource sent = Serialization.unmarshal(Serialization.asJson(object),
            GenericKubernetesResource.class);
        ssa.apply(object, false);
        GenericKubernetesResource back = ssa.get(object);
        String what = cluster + ": " + sent.getApiVersion() + " " + sent.getKind() + " " + sent.getMetadata().getName();
        assertNotNull(back, what + " was not stored");
        applied.add(sent.getApiVersion() + " " + sent.getKind());
        if (!storage.getOrDefault(sent.getKind(), sent.getApiVersion()).equals(sent.getApiVersion())) {
          // Without CAPI's and CAPM3's conversion webhooks the server relabels v1beta1 as the v1beta2 storage version
          // and prunes what v1beta2 spells differently; acceptance and the warning check below are what it proves.
          continue;
        }
        // Server-side defaults (e.g. Metal3's nodeReuse, Kamaji's registry) may be added; nothing sent may go or change.
        String lost = lost("spec", sent.getAdditionalProperties().get("spec"), back.getAdditionalProperties().get("spec"));
        assertEquals(null, lost, what + ": the API server pruned or changed " + lost);
        roundTripped.add(sent.getApiVersion() + " " + sent.getKind());
      }
      // Only the v1beta1 contract (byoh-metal3 on release v0.9.0) may draw deprecation warnings.
      for (String w : server.warnings()) {
        assertEquals("hybrid", cluster, cluster + " drew a warning: " + w);
        assertTrue(w.contains("deprecated"), w);
        deprecated.add(w);
      }
    }
    assertTrue(roundTripped.containsAll(List.of("cluster.x-k8s.io/v1beta2 Cluster",
        "controlplane.cluster.x-k8s.io/v1alpha2 KamajiControlPlane", "infrastructure.cluster.x-k8s.io/v1beta1 ByoCluster",
        "infrastructure.cluster.x-k8s.io/v1beta2 Metal3MachineTemplate",
        "infrastructure.cluster.x-k8s.io/v1beta2 Metal3DataTemplate")), "stored unchanged: " + roundTripped);
    assertTrue(!deprecated.isEmpty(), "CAPI v1beta1 is served as deprecated; the byoh-metal3 cluster uses it");
    for (String expected : List.of("cluster.x-k8s.io/v1beta1 Cluster", "cluster.x-k8s.io/v1beta2 Cluster",
        "controlplane.cluster.x-k8s.io/v1alpha2 KamajiControlPlane", "infrastructure.cluster.x-k8s.io/v1beta1 ByoCluster",
        "infrastructure.cluster.x-k8s.io/v1beta1 ByoMachineTemplate", "infrastructure.cluster.x-k8s.io/v1beta1 Metal3Cluster",
        "infrastructure.cluster.x-k8s.io/v1beta2 Metal3Cluster", "infrastructure.cluster.x-k8s.io/v1beta2 Metal3MachineTemplate",
        "infrastructure.cluster.x-k8s.io/v1beta2 Metal3DataTemplate", "infrastructure.cluster.x-k8s.io/v1alpha1 KVMCluster",
        "controlplane.cluster.x-k8s.io/v1beta1 KubeadmControlPlane", "helm.toolkit.fluxcd.io/v2 HelmRelease")) {
      assertTrue(applied.contains(expected), expected + " was applied: " + applied);
    }
  }
}
