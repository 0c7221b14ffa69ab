package io.capkit.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.InformerHostCatalog;
import io.capkit.testsupport.KubeApiServerExtension;
import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.webhook.admission.InformerReleaseLookup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 against the real kube-apiserver with the real HTTPS webhook registered (failurePolicy Fail): each hostile
 * input is denied with its field path and nothing of it is stored. Tenants are namespaces org-ht-a (allowed on
 * host ht-kvm-1 by name) and org-ht-b (allowed on none); host ht-kvm-2 selects namespaces by label.
 */
@ExtendWith(KubeApiServerExtension.class)
class HostileTenantKvmIT {
  static final String A = "org-ht-a";
  static final String B = "org-ht-b";
  static final String GOLD = "org-ht-gold";
  static final String INFRA = "infrastructure.cluster.x-k8s.io/v1alpha1";

  @TempDir
  static Path dir;
  static KubernetesClient client;
  static InformerReleaseLookup releases;
  static InformerHostCatalog hosts;
  static WebhookServer webhook;

  @BeforeAll
  static void start(KubernetesClient shared) throws Exception {
    client = shared;
    SelfSignedCertificate pair = SelfSignedCertificate.generate("capkit-webhook");
    pair.writeTo(dir);
    releases = new InformerReleaseLookup(client);
    hosts = new InformerHostCatalog(client);
    webhook = WebhookServer.start(new WebhookConfig(dir.resolve("tls.crt"), dir.resolve("tls.key"), 0, "127.0.0.1",
        Duration.ofSeconds(5), 4, WebhookConfig.DEFAULT_MAX_BODY), releases, hosts);
    String ca = Base64.getEncoder().encodeToString(pair.certPem().getBytes(StandardCharsets.US_ASCII));
    StringBuilder yaml = new StringBuilder("apiVersion: admissionregistration.k8s.io/v1\n"
        + "kind: ValidatingWebhookConfiguration\nmetadata: {name: capkit-hostile}\nwebhooks:\n");
    for (String kind : new String[] {"kvmcluster", "kvmmachine", "kvmmachinetemplate", "kvmhost"}) {
      yaml.append(hook(kind + "s.infrastructure.cluster.x-k8s.io", "/validate-" + kind, "infrastructure.cluster.x-k8s.io",
          kind + "s", ""));
    }
    yaml.append(hook("releases.release.capkit.io", "/validate-release", "release.capkit.io", "releases", ""));
    yaml.append(hook("clusters.release.capkit.io", "/validate-cluster", "cluster.x-k8s.io", "clusters",
        "objectSelector: {matchExpressions: [{key: release.capkit.io/version, operator: Exists}]}, "));
    client.resource(yaml.toString().replace("CA", ca).replace("BASE", "https://127.0.0.1:" + webhook.port()))
        .create();
    for (String ns : new String[] {A, B}) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(GOLD)
        .withLabels(Map.of("capkit.io/tier", "gold")).endMetadata().build()).create();
    // The API server loads a new webhook configuration a moment later: wait until a bad host is denied.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        GenericKubernetesResource probe = create(host("ht-probe", "test:///etc/hostname", "allowedNamespaces: {}"));
        client.resource(probe).delete();
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the webhook never became active");
        }
        Thread.sleep(200);
      } catch (KubernetesClientException e) {
        break;
      }
    }
    create(host("ht-kvm-1", "qemu+ssh://root@kvm-1.example.org/system", "allowedNamespaces: {list: [" + A + "]}"));
    create(host("ht-kvm-2", "qemu+tls://kvm-2.example.org/system",
        "allowedNamespaces: {selector: {matchLabels: {capkit.io/tier: gold}}}"));
    await(() -> hosts.host("ht-kvm-1").isPresent() && hosts.host("ht-kvm-2").isPresent()
        && hosts.namespaceLabels(GOLD).containsKey("capkit.io/tier"));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.admissionRegistration().v1().validatingWebhookConfigurations().withName("capkit-hostile").delete();
    }
    if (webhook != null) {
      webhook.close();
    }
    if (hosts != null) {
      hosts.close();
    }
    if (releases != null) {
      releases.close();
    }
  }

  static String hook(String name, String resource, String group, String plural, String extra) {
    return "- {name: " + name + ", clientConfig: {url: \"BASE" + resource + "\", caBundle: CA},\n"
        + "   rules: [{apiGroups: [" + group + "], apiVersions: [\"*\"], operations: [CREATE, UPDATE], resources: ["
        + plural + "]}],\n   " + extra
        + "failurePolicy: Fail, sideEffects: None, admissionReviewVersions: [v1], timeoutSeconds: 5}\n";
  }

  static String host(String name, String uri, String allowed) {
    return "apiVersion: " + INFRA + "\nkind: KVMHost\nmetadata: {name: " + name + "}\nspec:\n  uri: \"" + uri + "\"\n"
        + "  storagePool: vms\n  network: br0\n  baseImages: [ubuntu-24.04-kubeadm.qcow2]\n"
        + "  sharedDirectories: [{path: /srv/datasets}, {path: /srv/etcd, writable: true}]\n  " + allowed + "\n";
  }

  static GenericKubernetesResource create(String yaml) {
    return (GenericKubernetesResource) client.resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .create();
  }

  static String denial(String yaml) {
    return assertThrows(KubernetesClientException.class, () -> create(yaml)).getMessage();
  }

  static GenericKubernetesResource get(String kind, String ns, String name) {
    return client.genericKubernetesResources(INFRA, kind).inNamespace(ns).withName(name).get();
  }

  static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(50);
    }
  }

  static String machine(String ns, String name, String spec) {
    return "apiVersion: " + INFRA + "\nkind: KVMMachine\nmetadata: {name: " + name + ", namespace: " + ns + "}\n"
        + "spec: " + spec + "\n";
  }

  @Test
  void item3AdminHostUrisThatRunProgramsOrReadFilesAreDenied() {
    String shadow = denial(host("ht-evil-1", "test:///etc/shadow", "allowedNamespaces: {list: [" + B + "]}"));
    assertTrue(shadow.contains("spec.uri: \"test:///etc/shadow\": the test driver is allowed only as test:///default"),
        shadow);
    String command = denial(host("ht-evil-2", "qemu+ssh://h/system?command=/opt/x&no_verify=1",
        "allowedNamespaces: {list: [" + B + "]}"));
    assertTrue(command.contains("has query parameters; none are allowed"), command);
    String socket = denial(host("ht-evil-3", "qemu+unix:///system?socket=/tmp/x", "allowedNamespaces: {list: [kube-system]}"));
    assertTrue(socket.contains("spec.uri: \"qemu+unix:///system?socket=/tmp/x\": the scheme must be one of"), socket);
    assertTrue(socket.contains("spec.allowedNamespaces.list[0]: \"kube-system\" is exempt"), socket);
    for (String n : new String[] {"ht-evil-1", "ht-evil-2", "ht-evil-3"}) {
      assertNull(client.genericKubernetesResources(INFRA, "KVMHost").withName(n).get(), n + " was stored");
    }
  }

  @Test
  void tenantsNameHostsTheirNamespaceMayUseAndCannotCarryAUri() throws Exception {
    // The API server prunes fields the CRD does not declare before any webhook sees them: the URI is never stored.
    create("apiVersion: " + INFRA + "\nkind: KVMCluster\nmetadata: {name: c-uri, namespace: " + A + "}\n"
        + "spec: {hosts: [{name: ht-kvm-1, uri: \"qemu+ssh://h/system?command=/opt/x\"}]}\n");
    assertEquals(Map.of("hosts", java.util.List.of(Map.of("name", "ht-kvm-1"))),
        get("KVMCluster", A, "c-uri").getAdditionalProperties().get("spec"));
    String other = denial("apiVersion: " + INFRA + "\nkind: KVMCluster\nmetadata: {name: c1, namespace: " + B + "}\n"
        + "spec: {hosts: [{name: ht-kvm-1}, {name: ht-kvm-2}, {name: ht-nope}]}\n");
    assertTrue(other.contains("spec.hosts[0].name: KVMHost \"ht-kvm-1\" does not allow namespace " + B), other);
    assertTrue(other.contains("spec.hosts[1].name: KVMHost \"ht-kvm-2\" does not allow namespace " + B), other);
    assertTrue(other.contains("spec.hosts[2].name: no KVMHost named \"ht-nope\""), other);
    assertNull(get("KVMCluster", B, "c1"));
    create("apiVersion: " + INFRA + "\nkind: KVMCluster\nmetadata: {name: c1, namespace: " + A + "}\n"
        + "spec: {hosts: [{name: ht-kvm-1}]}\n");
    create("apiVersion: " + INFRA + "\nkind: KVMCluster\nmetadata: {name: c1, namespace: " + GOLD + "}\n"
        + "spec: {hosts: [{name: ht-kvm-2}]}\n");
  }

  @Test
  void item1HostDirectoriesOnlyFromTheHostsList() {
    for (String path : new String[] {"/", "/var/lib/libvirt/images", "/srv"}) {
      String m = denial(machine(A, "m-vol", "{hostVolumes: [{name: r, hostPath: \"" + path + "\", mountPath: /mnt/host}]}"));
      assertTrue(m.contains("spec.hostVolumes[0].hostPath: \"" + path + "\" is not a shared directory of host "
          + "ht-kvm-1 (allowed: [/srv/datasets, /srv/etcd])"), m);
    }
    String etcd = denial(machine(A, "m-etcd", "{etcdStorage: {hostPath: /srv/datasets}}"));
    assertTrue(etcd.contains("spec.etcdStorage.hostPath: \"/srv/datasets\" is not a writable shared directory"), etcd);
    String none = denial(machine(B, "m-vol", "{hostVolumes: [{name: r, hostPath: /srv/datasets, mountPath: /mnt/d}]}"));
    assertTrue(none.contains("spec: no KVMHost allows this namespace; ask a platform admin for one"), none);
    assertNull(get("KVMMachine", A, "m-vol"));
    assertNull(get("KVMMachine", A, "m-etcd"));
    assertNull(get("KVMMachine", B, "m-vol"));
    create(machine(A, "m-ok", "{image: {volume: ubuntu-24.04-kubeadm.qcow2}, hostVolumes: [{name: d, hostPath: "
        + "/srv/datasets, mountPath: /mnt/d}]}"));
  }

  @Test
  void item2AnotherTenantsDiskIsNotABaseImageForMachinesOrTemplates() {
    String stolen = "org-globex.analytics-cp-x7k2p-root.qcow2";
    String m = denial(machine(A, "m-steal", "{image: {volume: " + stolen + "}}"));
    assertTrue(m.contains("spec.image.volume: \"" + stolen + "\" is not a base image of host ht-kvm-1 (allowed: "
        + "[ubuntu-24.04-kubeadm.qcow2])"), m);
    String pool = denial(machine(A, "m-pool", "{image: {pool: default, volume: ubuntu-24.04-kubeadm.qcow2}}"));
    assertTrue(pool.contains("spec.image.pool: \"default\" is not the storage pool of host ht-kvm-1"), pool);
    String t = denial("apiVersion: " + INFRA + "\nkind: KVMMachineTemplate\nmetadata: {name: t-steal, namespace: " + A
        + "}\nspec: {template: {spec: {image: {volume: " + stolen + "}}}}\n");
    assertTrue(t.contains("spec.template.spec.image.volume: \"" + stolen + "\" is not a base image"), t);
    assertNull(get("KVMMachine", A, "m-steal"));
    assertNull(get("KVMMachineTemplate", A, "t-steal"));
  }

  @Test
  void item10MemoryIsCappedLikeCpusAndHttpChartsAreDenied() {
    String m = denial(machine(A, "m-huge", "{memory: 8000000Ti}"));
    assertTrue(m.contains("spec.memory: \"8000000Ti\" is more than 16Ti, the most a machine may have"), m);
    String r = denial("apiVersion: release.capkit.io/v1alpha1\nkind: Release\nmetadata: {name: v71.9.0}\n"
        + "spec: {components: [{name: kubernetes, version: v1.33.4}, {name: cluster-api-core, version: 1.14.0}], "
        + "date: \"2025-06-01T00:00:00Z\", state: active,"
        + " apps: [{name: cilium, version: 1.17.8, chart: {repository: \"http://helm.cilium.io\", name: cilium}}]}\n");
    assertTrue(r.contains("spec.apps[0].chart.repository: \"http://helm.cilium.io\" is not an https:// or oci:// URL"),
        r);
  }

  @Test
  void item9DroppingTheReleaseLabelDoesNotUnlockADowngrade() throws Exception {
    for (String[] rel : new String[][] {{"v71.0.0", "v1.33.4"}, {"v71.1.0", "v1.34.1"}}) {
      create("apiVersion: release.capkit.io/v1alpha1\nkind: Release\nmetadata: {name: " + rel[0] + "}\n"
          + "spec: {components: [{name: kubernetes, version: " + rel[1] + "}, {name: cluster-api-core, version: "
          + "1.14.0}], date: \"2025-06-01T00:00:00Z\", state: active}\n");
    }
    await(() -> releases.find("v71.0.0").isPresent() && releases.find("v71.1.0").isPresent());
    GenericKubernetesResource c = create("apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: "
        + "downgrade, namespace: " + A + ", labels: {release.capkit.io/version: v71.1.0}}\n"
        + "spec: {topology: {classRef: {name: any}, version: v1.34.1}}\n");
    c.getMetadata().getLabels().remove("release.capkit.io/version");
    @SuppressWarnings("unchecked") Map<String, Object> topology = (Map<String, Object>) ((Map<String, Object>)
        c.getAdditionalProperties().get("spec")).get("topology");
    topology.put("version", "v1.33.4");
    String m = assertThrows(KubernetesClientException.class, () -> client.resource(c).update()).getMessage();
    assertTrue(m.contains("spec.topology.version: cannot downgrade Kubernetes from v1.34.1 to v1.33.4"), m);
    GenericKubernetesResource stored = client.genericKubernetesResources("cluster.x-k8s.io/v1beta2", "Cluster")
        .inNamespace(A).withName("downgrade").get();
    assertEquals("v71.1.0", stored.getMetadata().getLabels().get("release.capkit.io/version"), "nothing written");
    // Changing the label to an older release in the same update is refused the same way.
    stored.getMetadata().getLabels().put("release.capkit.io/version", "v71.0.0");
    @SuppressWarnings("unchecked") Map<String, Object> t2 = (Map<String, Object>) ((Map<String, Object>)
        stored.getAdditionalProperties().get("spec")).get("topology");
    t2.put("version", "v1.33.4");
    String changed = assertThrows(KubernetesClientException.class, () -> client.resource(stored).update()).getMessage();
    assertTrue(changed.contains("cannot downgrade Kubernetes from v1.34.1 to v1.33.4"), changed);
  }
}
