package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.KubeApiServerExtension;
import io.capkit.testsupport.ServerSideApply;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every cluster rendered from fleet-repo-example, one per flavor included, goes to the real API server (upstream
 * CAPI, Metal3, Kamaji, BYOH, Flux and capkit CRDs installed) by server-side apply, first as a dry run, then for
 * real, and is read back: a field the server pruned or defaulted, a rejected object or a warning fails the test.
 */
@ExtendWith(KubeApiServerExtension.class)
class RenderedFleetIT {

  @Test
  void everyRenderedObjectIsAcceptedUnchangedAndWithoutWarnings(KubernetesClient client, EmbeddedApiServer server) {
    RenderResult rendered = Renderer.standard().render(RepoFiles.exampleFleet(), RepoFiles.releases());
    assertTrue(rendered.clusters().size() >= 8, "the example fleet has a cluster per flavor");
    new TreeSet<>(rendered.clusters().stream().flatMap(c -> java.util.stream.Stream.concat(c.sources().stream(),
        c.objects().stream())).map(KubeObject::namespace)
        .filter(ns -> ns != null).toList())
        .forEach(ns -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
            .endMetadata().build()).serverSideApply());
    Map<String, String> storage = storageVersions(client);
    ServerSideApply ssa = new ServerSideApply(client, "capkit-rendered-fleet-it");
    List<String> wrong = new ArrayList<>();
    TreeSet<String> applied = new TreeSet<>();
    TreeSet<String> unchanged = new TreeSet<>();
    List<String> deprecations = new ArrayList<>();
    long t0 = System.nanoTime();
    for (RenderedCluster cluster : rendered.clusters()) {
      List<KubeObject> all = new ArrayList<>(cluster.sources());
      all.addAll(cluster.objects());
      for (KubeObject object : all) {
        String what = cluster.source().key() + " " + object.apiVersion() + " " + object.kind() + "/" + object.name();
        Map<String, Object> sent = object.document();
        // Without CAPI's and CAPM3's conversion webhooks the server stores v1beta1 objects as the v1beta2 storage
        // version and drops what v1beta2 spells differently: for those, acceptance is what this test can prove.
        boolean storedAsSent = storage.getOrDefault(object.group() + "/" + object.kind(), object.apiVersion())
            .equals(object.apiVersion());
        boolean existed = ssa.get(sent) != null;
        server.clearWarnings();
        GenericKubernetesResource dry = ssa.apply(sent, true);
        if (!existed && ssa.get(sent) != null) {
          wrong.add(what + ": the dry run persisted the object");
        }
        ssa.apply(sent, false);
        GenericKubernetesResource back = ssa.get(sent);
        if (back == null) {
          wrong.add(what + ": not found after apply");
        } else if (storedAsSent) {
          compare(what + " (dry run)", sent, dry, wrong);
          compare(what, sent, back, wrong);
          unchanged.add(object.apiVersion() + " " + object.kind());
        }
        for (String w : server.warnings()) {
          if (storedAsSent || !w.contains("deprecated")) {
            wrong.add(what + ": warning " + w);
          } else {
            deprecations.add(w);
          }
        }
        applied.add(object.apiVersion() + " " + object.kind());
      }
    }
    System.out.printf(Locale.ROOT, "[rendered fleet] %d clusters, %d kinds, %d objects applied (dry run + real) in %d ms%n",
        rendered.clusters().size(), applied.size(),
        rendered.clusters().stream().mapToInt(c -> c.sources().size() + c.objects().size()).sum(), (System.nanoTime() - t0) / 1_000_000);
    assertEquals(List.of(), wrong, "objects the API server refused, changed or warned about");
    for (String kind : List.of("cluster.x-k8s.io/v1beta1 Cluster", "cluster.x-k8s.io/v1beta2 Cluster",
        "controlplane.cluster.x-k8s.io/v1alpha2 KamajiControlPlane", "infrastructure.cluster.x-k8s.io/v1beta1 ByoCluster",
        "infrastructure.cluster.x-k8s.io/v1beta1 ByoMachineTemplate", "infrastructure.cluster.x-k8s.io/v1beta1 Metal3Cluster",
        "infrastructure.cluster.x-k8s.io/v1beta2 Metal3Cluster", "infrastructure.cluster.x-k8s.io/v1beta2 Metal3MachineTemplate",
        "infrastructure.cluster.x-k8s.io/v1beta2 Metal3DataTemplate", "infrastructure.cluster.x-k8s.io/v1alpha1 KVMCluster",
        "infrastructure.cluster.x-k8s.io/v1alpha1 KVMMachineTemplate", "controlplane.cluster.x-k8s.io/v1beta1 KubeadmControlPlane",
        "controlplane.cluster.x-k8s.io/v1beta2 KubeadmControlPlane", "cluster.x-k8s.io/v1beta2 MachineDeployment",
        "helm.toolkit.fluxcd.io/v2 HelmRelease", "source.toolkit.fluxcd.io/v1 HelmRepository")) {
      assertTrue(applied.contains(kind), kind + " is rendered by some flavor: " + applied);
    }
    assertTrue(unchanged.containsAll(List.of("cluster.x-k8s.io/v1beta2 Cluster",
        "controlplane.cluster.x-k8s.io/v1alpha2 KamajiControlPlane", "infrastructure.cluster.x-k8s.io/v1beta1 ByoCluster",
        "infrastructure.cluster.x-k8s.io/v1beta2 Metal3MachineTemplate", "helm.toolkit.fluxcd.io/v2 HelmRelease")),
        "compared field by field: " + unchanged);
    assertTrue(!deprecations.isEmpty(), "CAPI v1beta1 is served as deprecated; the byoh-metal3 cluster uses it");
  }

  @Test
  void byohInstallerObjectsAndAKamajiNodePortClusterAreAcceptedUnchanged(KubernetesClient client) {
    // Variants the example fleet does not render: BYOH on a Kubernetes its installer supports, Kamaji on NodePorts.
    Map<String, String> releases = text(RepoFiles.releases());
    releases.put("v0.9.0/release.yaml", releases.get("v0.9.0/release.yaml").replace("version: 1.32.9", "version: 1.26.15"));
    Map<String, String> fleet = text(RepoFiles.exampleFleet());
    String hosted = "management-clusters/mc-berlin/organizations/initech/workload-clusters/hosted/cluster.yaml";
    fleet.put(hosted, fleet.get(hosted).replace("port: 6443", "port: 31443")
        .replace("  variables:\n", "  variables:\n    KAMAJI_SERVICE_TYPE: NodePort\n    KAMAJI_KONNECTIVITY_PORT: 31132\n"));
    RenderResult rendered = Renderer.standard().render(io.capkit.api.source.MemoryTree.ofText("fleet", fleet), "fleet",
        io.capkit.api.source.MemoryTree.ofText("releases", releases), "releases");
    ServerSideApply ssa = new ServerSideApply(client, "capkit-rendered-fleet-it");
    List<String> wrong = new ArrayList<>();
    TreeSet<String> applied = new TreeSet<>();
    for (RenderedCluster cluster : rendered.clusters()) {
      if (!List.of("hybrid", "hosted").contains(cluster.source().name())) {
        continue;
      }
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(cluster.source().namespace())
          .endMetadata().build()).serverSideApply();
      for (KubeObject object : cluster.objects()) {
        if (!List.of("K8sInstallerConfigTemplate", "ByoMachineTemplate", "KamajiControlPlane", "Cluster")
            .contains(object.kind()) || object.apiVersion().equals("cluster.x-k8s.io/v1beta1")) {
          continue;
        }
        compare(cluster.source().key() + " " + object.kind() + "/" + object.name(), object.document(),
            ssa.apply(object.document(), false), wrong);
        applied.add(object.kind());
      }
    }
    assertEquals(List.of(), wrong);
    assertEquals(new TreeSet<>(List.of("ByoMachineTemplate", "Cluster", "K8sInstallerConfigTemplate",
        "KamajiControlPlane")), applied);
  }

  private static Map<String, String> text(io.capkit.api.source.SourceTree tree) {
    Map<String, String> m = new java.util.TreeMap<>();
    tree.files().forEach(f -> m.put(f, new String(tree.read(f).orElseThrow(), java.nio.charset.StandardCharsets.UTF_8)));
    return m;
  }

  /** group/kind → the apiVersion each installed CRD stores. */
  private static Map<String, String> storageVersions(KubernetesClient client) {
    Map<String, String> out = new java.util.HashMap<>();
    client.apiextensions().v1().customResourceDefinitions().list().getItems().forEach(crd -> crd.getSpec()
        .getVersions().stream().filter(v -> Boolean.TRUE.equals(v.getStorage()))
        .forEach(v -> out.put(crd.getSpec().getGroup() + "/" + crd.getSpec().getNames().getKind(),
            crd.getSpec().getGroup() + "/" + v.getName())));
    return out;
  }

  @Test
  void aMisspeltFieldIsRefusedByTheServer(KubernetesClient client) {
    KubeObject cluster = firstOfKind("Cluster");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(cluster.namespace())
        .endMetadata().build()).serverSideApply();
    Map<String, Object> doc = deepCopy(cluster.document());
    child(doc, "spec").put("pausedd", true);
    child(doc, "metadata").put("name", "misspelt-" + cluster.name());
    KubernetesClientException e = assertThrows(KubernetesClientException.class,
        () -> new ServerSideApply(client, "capkit-rendered-fleet-it").apply(doc, true));
    assertTrue(e.getMessage().contains(".spec.pausedd: field not declared in schema"), e.getMessage());
  }

  @Test
  void aFieldTheServerDefaultsIsCaughtByTheComparison(KubernetesClient client) {
    // Flux's HelmRelease CRD defaults chart.spec.reconcileStrategy; without it in the rendering the test must fail.
    KubeObject release = firstOfKind("HelmRelease");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(release.namespace())
        .endMetadata().build()).serverSideApply();
    Map<String, Object> doc = deepCopy(release.document());
    assertEquals("ChartVersion", child(child(child(doc, "spec"), "chart"), "spec").remove("reconcileStrategy"));
    List<String> wrong = new ArrayList<>();
    compare("defaulted", doc, new ServerSideApply(client, "capkit-rendered-fleet-it").apply(doc, true), wrong);
    assertEquals(1, wrong.size(), String.valueOf(wrong));
    assertTrue(wrong.get(0).startsWith("defaulted: .spec sent"), wrong.get(0));
  }

  private static KubeObject firstOfKind(String kind) {
    RenderResult rendered = Renderer.standard().render(RepoFiles.exampleFleet(), RepoFiles.releases());
    return rendered.clusters().get(0).objects().stream().filter(o -> o.kind().equals(kind)).findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> parent, String key) {
    return (Map<String, Object>) parent.get(key);
  }

  /** Everything but metadata and status must come back as sent; labels and annotations as sent. */
  private static void compare(String what, Map<String, Object> sent, GenericKubernetesResource got, List<String> wrong) {
    Map<String, Object> back = deepCopy(Serialization.jsonMapper().convertValue(got, Map.class));
    Map<String, Object> expected = deepCopy(sent);
    for (String key : new TreeSet<>(union(expected.keySet(), back.keySet()))) {
      if (key.equals("metadata") || key.equals("status")) {
        continue;
      }
      if (!java.util.Objects.equals(expected.get(key), back.get(key))) {
        wrong.add(what + ": ." + key + " sent " + Serialization.asJson(expected.get(key)) + " but stored "
            + Serialization.asJson(back.get(key)));
      }
    }
    for (String meta : List.of("labels", "annotations", "name", "namespace")) {
      Object s = ((Map<?, ?>) expected.get("metadata")).get(meta);
      Object b = ((Map<?, ?>) back.get("metadata")).get(meta);
      if (s != null && !s.equals(b)) {
        wrong.add(what + ": .metadata." + meta + " sent " + s + " but stored " + b);
      }
    }
  }

  private static TreeSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    TreeSet<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Object o) {
    // A JSON round trip normalises numbers and map types the same way on both sides of the comparison.
    return Serialization.jsonMapper().convertValue(Serialization.unmarshal(Serialization.asJson(o), Map.class),
        LinkedHashMap.class);
  }
}
