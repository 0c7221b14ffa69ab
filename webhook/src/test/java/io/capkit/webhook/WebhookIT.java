package io.capkit.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.KubeApiServerExtension;
import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.testsupport.SelfSignedCertificate.KeyFormat;
import io.capkit.webhook.admission.InformerReleaseLookup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook registered with a real kube-apiserver (io.fabric8:kube-api-test, offline binaries from hack/): good
 * objects are admitted and defaulted (read back from the API server), bad ones denied with their field path.
 */
@ExtendWith(KubeApiServerExtension.class)
class WebhookIT {
  @TempDir
  static Path dir;
  static KubernetesClient client;
  static InformerReleaseLookup releases;
  static WebhookServer webhook;

  /** The API server is shared by the JVM's test classes (capkit and upstream CRDs installed); we add the webhook. */
  @BeforeAll
  static void start(KubernetesClient shared) throws Exception {
    client = shared;
    SelfSignedCertificate pair = SelfSignedCertificate.generate("capkit-webhook", KeyFormat.PKCS8_EC);
    pair.writeTo(dir);
    releases = new InformerReleaseLookup(client);
    webhook = WebhookServer.start(new WebhookConfig(dir.resolve("tls.crt"), dir.resolve("tls.key"), 0, "127.0.0.1",
        Duration.ofSeconds(5), 4, WebhookConfig.DEFAULT_MAX_BODY), releases);
    String ca = Base64.getEncoder().encodeToString(pair.certPem().getBytes(StandardCharsets.US_ASCII));
    String base = "https://127.0.0.1:" + webhook.port();
    apply(load("mutating.yaml", base, ca));
    apply(load("validating.yaml", base, ca));
  }

  /** The webhook configurations used here, the same rules as webhook/config/ but by URL instead of Service. */
  private static String load(String name, String base, String ca) {
    boolean mutating = name.equals("mutating.yaml");
    StringBuilder yaml = new StringBuilder("apiVersion: admissionregistration.k8s.io/v1\nkind: ")
        .append(mutating ? "Mutating" : "Validating").append("WebhookConfiguration\nmetadata: {name: capkit-it}\n"
            + "webhooks:\n");
    String prefix = mutating ? "/mutate-" : "/validate-";
    yaml.append(webhook("workloadclusters.fleet.capkit.io", prefix + "workloadcluster", "fleet.capkit.io",
        "v1alpha1", "workloadclusters", "", ""));
    yaml.append(webhook("kvmmachinetemplates.infrastructure.cluster.x-k8s.io", prefix + "kvmmachinetemplate",
        "infrastructure.cluster.x-k8s.io", "v1alpha1", "kvmmachinetemplates", "", ""));
    if (!mutating) {
      yaml.append(webhook("releases.release.capkit.io", "/validate-release", "release.capkit.io", "v1alpha1",
          "releases", ", scope: Cluster", ""));
      yaml.append(webhook("clusters.release.capkit.io", "/validate-cluster", "cluster.x-k8s.io", "\"*\"",
          "clusters", "", "objectSelector: {matchExpressions: [{key: release.capkit.io/version, operator: Exists}]}, "));
    }
    return yaml.toString().replace("BASE", base).replace("CA", ca);
  }

  /** One webhook by URL; {@code rule} ends the rule (e.g. a scope), {@code extra} adds fields (e.g. a selector). */
  private static String webhook(String name, String path, String group, String versions, String resource,
                                String rule, String extra) {
    return "- {name: " + name + ", clientConfig: {url: \"BASE" + path + "\", caBundle: CA},\n"
        + "   rules: [{apiGroups: [" + group + "], apiVersions: [" + versions + "], operations: [CREATE, UPDATE], "
        + "resources: [" + resource + "]" + rule + "}],\n"
        + "   " + extra + "failurePolicy: Fail, sideEffects: None, admissionReviewVersions: [v1], timeoutSeconds: 5}\n";
  }

  private static void apply(String yaml) {
    client.resource(yaml).create();
  }

  /** Unregisters the webhook first: the shared API server outlives this class, and failurePolicy is Fail. */
  @AfterAll
  static void stop() {
    if (client != null) {
      client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("capkit-it").delete();
      client.admissionRegistration().v1().validatingWebhookConfigurations().withName("capkit-it").delete();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (releases != null) {
      releases.close();
    }
  }

  private static GenericKubernetesResource create(String yaml) {
    HasMetadata created = client.resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class)).create();
    return (GenericKubernetesResource) created;
  }

  /** The first requests after registration may reach the API server before it has loaded the configurations. */
  private static GenericKubernetesResource createWhenWebhooksAreActive(String yaml, String mustHave) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      GenericKubernetesResource r = create(yaml);
      if (Serialization.asYaml(r).contains(mustHave) || System.nanoTime() > deadline) {
        return r;
      }
      client.resource(r).withGracePeriod(0).delete();
      client.resource(r).waitUntilCondition(java.util.Objects::isNull, 10, TimeUnit.SECONDS);
      Thread.sleep(200);
    }
  }

  /** A CAPI Cluster labelled with a capkit release. */
  private static String cluster(String name, String release) {
    return "apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: " + name
        + ", namespace: default, labels: {release.capkit.io/version: " + release + "}}\nspec: {paused: false}\n";
  }

  private static String denial(String yaml) {
    return assertThrows(KubernetesClientException.class, () -> create(yaml)).getMessage();
  }

  /** A Release with the given extra components next to kubernetes, created and then seen by the webhook's cache. */
  private static void release(String name, String kubernetes, String components) throws Exception {
    create("apiVersion: release.capkit.io/v1alpha1\nkind: Release\nmetadata: {name: " + name + "}\n"
        + "spec: {components: [{name: kubernetes, version: " + kubernetes + "}" + components + "], "
        + "date: \"2025-06-01T00:00:00Z\", state: active}\n");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (releases.find(name).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static String workloadCluster(String name, String release, String flavor) {
    return "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata: {name: " + name
        + ", namespace: default}\nspec: {release: " + release + (flavor == null ? "" : ", flavor: " + flavor)
        + ", controlPlaneEndpoint: {host: 10.0.0.10, port: 6443}, variables: {WORKER_MACHINE_COUNT: 5, "
        + "METAL3_IMAGE_URL: \"https://images.example/node.raw\", "
        + "METAL3_IMAGE_CHECKSUM: \"https://images.example/node.raw.sha256sum\"}}\n";
  }

  @Test
  void workloadClustersAreDefaultedAndValidated() throws Exception {
    String kubeadm = ", {name: cluster-api-core, version: VERSION}, {name: cluster-api-bootstrap-kubeadm, version: VERSION}"
        + ", {name: cluster-api-control-plane-kubeadm, version: VERSION}";
    release("v29.5.0", "v1.33.4", kubeadm.replace("VERSION", "1.14.0")
        + ", {name: cluster-api-provider-kvm, version: 0.2.0}");
    release("v27.3.0", "v1.32.9", kubeadm.replace("VERSION", "1.10.7")
        + ", {name: cluster-api-provider-metal3, version: 1.10.3}, {name: cluster-api-provider-byoh, version: 0.5.0}");
    createWhenWebhooksAreActive(workloadCluster("prod-eu1", "v29.5.0", null), "POD_IP_RANGE");
    GenericKubernetesResource back = client.genericKubernetesResources("fleet.capkit.io/v1alpha1", "WorkloadCluster")
        .inNamespace("default").withName("prod-eu1").get();
    @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) back.getAdditionalProperties().get("spec");
    @SuppressWarnings("unchecked") Map<String, Object> vars = (Map<String, Object>) spec.get("variables");
    assertEquals("172.24.0.0/16", vars.get("POD_IP_RANGE"));
    assertEquals(5, ((Number) vars.get("WORKER_MACHINE_COUNT")).intValue());
    assertEquals(3, ((Number) vars.get("CONTROL_PLANE_MACHINE_COUNT")).intValue());
    String m = denial("""
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata: {name: bad, namespace: default}
        spec: {release: v29.5.0, variables: {CONTROL_PLANE_MACHINE_COUNT: 2, POD_IP_RANGE: 10.0.0.0/33}}
        """);
    assertTrue(m.contains("spec.variables.CONTROL_PLANE_MACHINE_COUNT: must be odd"), m);
    assertTrue(m.contains("spec.variables.POD_IP_RANGE: 10.0.0.0/33 is not a CIDR"), m);

    // The release's contract decides the flavor, by the same rule the renderer applies.
    String byoh = denial(workloadCluster("byoh", "v29.5.0", "byoh-metal3"));
    assertTrue(byoh.contains("spec.flavor: flavor byoh-metal3 cannot run on release v29.5.0: release v29.5.0 follows "
        + "the CAPI v1beta2 contract"), byoh);
    String kvm = denial(workloadCluster("old-kvm", "v27.3.0", "kvm"));
    assertTrue(kvm.contains("spec.flavor: flavor kvm cannot run on release v27.3.0"), kvm);
    create(workloadCluster("old-byoh", "v27.3.0", "byoh-metal3"));
    String ghost = denial(workloadCluster("ghost", "v9.9.9", null));
    assertTrue(ghost.contains("spec.release: release v9.9.9 does not exist"), ghost);
    spec.put("flavor", "kvm-metal3");
    String moved = assertThrows(KubernetesClientException.class, () -> client.resource(back).update()).getMessage();
    assertTrue(moved.contains("spec.release: release v29.5.0 has no cluster-api-provider-metal3 component, which "
        + "flavor kvm-metal3 needs"), moved);
    spec.remove("flavor");
    vars.put("WORKER_MACHINE_COUNT", 7);
    client.resource(back).update();

    // Moving to another release is held to the upgrade path of its Kubernetes version.
    release("v29.7.0", "v1.35.1", kubeadm.replace("VERSION", "1.14.0") + ", {name: cluster-api-provider-kvm, version: 0.2.0}");
    GenericKubernetesResource current = client.genericKubernetesResources("fleet.capkit.io/v1alpha1", "WorkloadCluster")
        .inNamespace("default").withName("prod-eu1").get();
    @SuppressWarnings("unchecked") Map<String, Object> currentSpec =
        (Map<String, Object>) current.getAdditionalProperties().get("spec");
    currentSpec.put("release", "v29.7.0");
    String skipped = assertThrows(KubernetesClientException.class, () -> client.resource(current).update()).getMessage();
    assertTrue(skipped.contains("spec.release: moving from release v29.5.0 to v29.7.0: cannot upgrade Kubernetes from "
        + "v1.33.4 to v1.35.1: skips 1 minor version(s)"), skipped);
  }

  @Test
  void releasesClustersAndTemplates() throws Exception {
    String m = denial("""
        apiVersion: release.capkit.io/v1alpha1
        kind: Release
        metadata: {name: latest}
        spec: {components: [{name: kubernetes, version: v1.33.4}, {name: cluster-api-core, version: 1.14.0}], date: "2025-06-01T00:00:00Z", state: active}
        """);
    assertTrue(m.contains("metadata.name: \"latest\" is not a release name"), m);
    create("""
        apiVersion: release.capkit.io/v1alpha1
        kind: Release
        metadata: {name: v29.1.0}
        spec: {components: [{name: kubernetes, version: v1.33.4}, {name: cluster-api-core, version: 1.14.0}], date: "2025-06-01T00:00:00Z", state: active}
        """);
    create("""
        apiVersion: release.capkit.io/v1alpha1
        kind: Release
        metadata: {name: v28.0.0}
        spec: {components: [{name: kubernetes, version: v1.32.0}, {name: cluster-api-core, version: 1.14.0}], date: "2025-01-01T00:00:00Z", state: deprecated}
        """);
    GenericKubernetesResource active = client.genericKubernetesResources("release.capkit.io/v1alpha1", "Release")
        .withName("v29.1.0").get();
    @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) active.getAdditionalProperties().get("spec");
    spec.put("components", List.of(Map.of("name", "kubernetes", "version", "v1.33.5")));
    String frozen = assertThrows(KubernetesClientException.class, () -> client.resource(active).update()).getMessage();
    assertTrue(frozen.contains("spec.components: is immutable once the release has been active"), frozen);

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while ((releases.find("v28.0.0").isEmpty() || releases.find("v29.1.0").isEmpty()) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    String deprecated = denial(cluster("old", "v28.0.0"));
    assertTrue(deprecated.contains("metadata.labels[release.capkit.io/version]: release v28.0.0 is deprecated"), deprecated);
    String missing = denial(cluster("ghost", "v9.9.9"));
    assertTrue(missing.contains("release v9.9.9 does not exist"), missing);
    create(cluster("good", "v29.1.0"));

    GenericKubernetesResource tpl = createWhenWebhooksAreActive("""
        apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1
        kind: KVMMachineTemplate
        metadata: {name: workers-abc123, namespace: default}
        spec: {template: {metadata: {labels: {tier: batch}}, spec: {memory: 16Gi, image: {volume: base.qcow2}}}}
        """, "cpus");
    @SuppressWarnings("unchecked") Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>)
        tpl.getAdditionalProperties().get("spec")).get("template");
    assertEquals(Map.of("labels", Map.of("tier", "batch")), template.get("metadata"), "template metadata admitted");
    @SuppressWarnings("unchecked") Map<String, Object> tspec = (Map<String, Object>) template.get("spec");
    assertEquals(4, ((Number) tspec.get("cpus")).intValue(), "defaulted from the contract");
    tspec.put("cpus", 8);
    String immutable = assertThrows(KubernetesClientException.class, () -> client.resource(tpl).update()).getMessage();
    assertTrue(immutable.contains("spec: is immutable"), immutable);
  }
}
