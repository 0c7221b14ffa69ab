package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterSpec;
import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.provider.machine.CapiObjects;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.provider.machine.TestPlans;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider against a real kube-apiserver + etcd (kube-api-test; binaries from hack/) with the checked-in KVM
 * CRDs and the upstream CAPI Machine and Cluster CRDs, and the libvirt test driver through the real bindings.
 */
class KvmProviderIT {
  private static final Path REPO = Path.of(System.getProperty("capkit.repo.root", ".."));
  private static final Path CAPI_CRDS = Path.of(System.getProperty("capkit.capi.crds",
      "/work/shared/upstream-crds/capi"));
  private static final ResourceDefinitionContext MACHINES = new ResourceDefinitionContext.Builder()
      .withGroup("cluster.x-k8s.io").withVersion("v1beta2").withKind("Machine").withPlural("machines")
      .withNamespaced(true).build();
  private static final ResourceDefinitionContext CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup("cluster.x-k8s.io").withVersion("v1beta2").withKind("Cluster").withPlural("clusters")
      .withNamespaced(true).build();

  @TempDir
  static Path tmp;
  static KubeAPIServer apiServer;
  static KubernetesClient client;
  static LibvirtBackend libvirt;
  static KvmProvider provider;

  @BeforeAll
  static void start() throws Exception {
    Path home = Path.of(System.getProperty("user.home"), ".kubeapitest", "k8s");
    boolean binaries;
    try (var dirs = Files.list(home)) {
      binaries = dirs.anyMatch(d -> Files.isExecutable(d.resolve("kube-apiserver")) && Files.isExecutable(d.resolve("etcd")));
    } catch (java.io.IOException e) {
      binaries = false;
    }
    assumeTrue(binaries, "no kube-apiserver/etcd under ~/.kubeapitest/k8s (run hack/ensure-kube-api-test.sh)");
    assumeTrue(Files.isRegularFile(CAPI_CRDS.resolve("cluster.x-k8s.io_machines.yaml")),
        "CAPI CRDs not found at " + CAPI_CRDS);
    // Set explicitly: kube-api-test 7.6.1 casts the KUBE_API_TEST_OFFLINE_MODE env string to Boolean and fails.
    apiServer = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig().withOfflineMode(true)
        .withUpdateKubeConfig(false).build());
    apiServer.start();
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml())).build();
    for (Path crd : List.of(REPO.resolve("crds/infrastructure.cluster.x-k8s.io_kvmclusters.yaml"),
        REPO.resolve("crds/infrastructure.cluster.x-k8s.io_kvmmachines.yaml"),
        CAPI_CRDS.resolve("cluster.x-k8s.io_machines.yaml"), CAPI_CRDS.resolve("cluster.x-k8s.io_clusters.yaml"))) {
      try (InputStream in = Files.newInputStream(crd)) {
        client.load(in).serverSideApply();
      }
    }
    for (String name : List.of("kvmclusters.infrastructure.cluster.x-k8s.io",
        "kvmmachines.infrastructure.cluster.x-k8s.io", "machines.cluster.x-k8s.io", "clusters.cluster.x-k8s.io")) {
      client.apiextensions().v1().customResourceDefinitions().withName(name).waitUntilCondition(c -> c.getStatus() != null
          && c.getStatus().getConditions().stream().anyMatch(x -> "Established".equals(x.getType())
          && "True".equals(x.getStatus())), 30, java.util.concurrent.TimeUnit.SECONDS);
    }
    libvirt = JnaLibvirtBackend.open(TestDriver.uri(tmp));
    LibvirtConnections connections = new LibvirtConnections(uri -> libvirt);
    provider = KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0), client, connections);
  }

  @AfterAll
  static void stop() {
    if (provider != null) {
      provider.close();
    }
    if (client != null) {
      client.close();
    }
    if (apiServer != null) {
      apiServer.stop();
    }
  }

  static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  /** Namespace, Cluster (infrastructure provisioned) and KVMCluster owned by it. */
  static void cluster(String ns) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    GenericKubernetesResource c = new GenericKubernetesResource();
    c.setApiVersion("cluster.x-k8s.io/v1beta2");
    c.setKind("Cluster");
    c.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("c1").build());
    c.setAdditionalProperty("spec", Map.of("infrastructureRef",
        Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMCluster", "name", "c1")));
    c = client.genericKubernetesResources(CLUSTERS).inNamespace(ns).resource(c).create();
    c.setAdditionalProperty("status", Map.of("initialization", Map.of("infrastructureProvisioned", true)));
    client.genericKubernetesResources(CLUSTERS).inNamespace(ns).resource(c).updateStatus();
    KVMCluster kc = new KVMCluster();
    kc.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("c1")
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("cluster.x-k8s.io/v1beta2").withKind("Cluster")
            .withName("c1").withUid(c.getMetadata().getUid()).build()).build());
    KVMClusterSpec spec = new KVMClusterSpec();
    ApiEndpoint ep = new ApiEndpoint();
    ep.setHost("api.c1.example.org");
    ep.setPort(6443);
    spec.setControlPlaneEndpoint(ep);
    kc.setSpec(spec);
    client.resources(KVMCluster.class).inNamespace(ns).resource(kc).create();
  }

  static GenericKubernetesResource machine(String ns, String name, String secret) {
    GenericKubernetesResource m = new GenericKubernetesResource();
    m.setApiVersion("cluster.x-k8s.io/v1beta2");
    m.setKind("Machine");
    m.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    Map<String, Object> bootstrap = secret == null
        ? Map.of("configRef", Map.of("apiGroup", "bootstrap.cluster.x-k8s.io", "kind", "KubeadmConfig", "name", name))
        : Map.of("dataSecretName", secret);
    m.setAdditionalProperty("spec", Map.of("clusterName", "c1", "bootstrap", bootstrap, "infrastructureRef",
        Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMMachine", "name", name)));
    return client.genericKubernetesResources(MACHINES).inNamespace(ns).resource(m).create();
  }

  static KVMMachine kvmMachine(String ns, String name, GenericKubernetesResource owner) {
    KVMMachine k = new KVMMachine();
    var meta = new ObjectMetaBuilder().withNamespace(ns).withName(name)
        .withLabels(Map.of(CapiObjects.CLUSTER_NAME_LABEL, "c1"));
    if (owner != null) {
      meta.withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("cluster.x-k8s.io/v1beta2")
          .withKind("Machine").withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).build());
    }
    k.setMetadata(meta.build());
    k.setSpec(TestPlans.spec());
    k.getSpec().getImage().setVolume(TestDriver.BASE_IMAGE);
    return client.resources(KVMMachine.class).inNamespace(ns).resource(k).create();
  }

  static KVMMachine get(String ns, String name) {
    return client.resources(KVMMachine.class).inNamespace(ns).withName(name).get();
  }

  static String ready(KVMMachine k) {
    if (k == null || k.getStatus() == null) {
      return null;
    }
    var c = Conditions.get(k.getStatus().getConditions(), Conditions.READY);
    return c == null ? null : c.getStatus() + "/" + c.getReason() + "/" + c.getMessage();
  }

  static void secret(String ns, String name) {
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .endMetadata().withData(Map.of("value", Base64.getEncoder().encodeToString("#cloud-config\n".getBytes()),
            "format", Base64.getEncoder().encodeToString("cloud-config".getBytes()))).build()).create();
  }

  @Test
  void kvmClusterReportsFailureDomainsAndProvisioned() throws Exception {
    cluster("cl");
    await("KVMCluster provisioned", () -> {
      KVMCluster kc = client.resources(KVMCluster.class).inNamespace("cl").withName("c1").get();
      return kc.getStatus() != null && kc.getStatus().getInitialization() != null
          && kc.getStatus().getInitialization().getProvisioned();
    });
    KVMCluster kc = client.resources(KVMCluster.class).inNamespace("cl").withName("c1").get();
    assertEquals("default", kc.getStatus().getFailureDomains().get(0).getName());
    assertTrue(kc.getMetadata().getFinalizers().contains("infrastructure.cluster.x-k8s.io/kvmcluster"));
  }

  @Test
  void machineWaitsForOwnerAndBootstrapDataThenProvisionsAndIsDeletedCleanly() throws Exception {
    String ns = "life";
    cluster(ns);
    kvmMachine(ns, "m1", null);
    Thread.sleep(1500);
    KVMMachine unowned = get(ns, "m1");
    assertTrue(unowned.getMetadata().getFinalizers() == null || unowned.getMetadata().getFinalizers().isEmpty(),
        "finalizer before owner reference");
    assertNull(unowned.getStatus());

    GenericKubernetesResource machine = machine(ns, "m1", null);
    client.resources(KVMMachine.class).inNamespace(ns).withName("m1").edit(k -> {
      k.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("cluster.x-k8s.io/v1beta2")
          .withKind("Machine").withName("m1").withUid(machine.getMetadata().getUid()).build()));
      return k;
    });
    await("waiting for bootstrap data", () -> {
      String r = ready(get(ns, "m1"));
      return r != null && r.startsWith("False/WaitingForBootstrapData/Machine has no");
    });
    assertTrue(get(ns, "m1").getMetadata().getFinalizers().contains("infrastructure.cluster.x-k8s.io/kvmmachine"));

    client.genericKubernetesResources(MACHINES).inNamespace(ns).withName("m1").edit(m -> {
      m.setAdditionalProperty("spec", Map.of("clusterName", "c1", "bootstrap", Map.of("dataSecretName", "m1-boot"),
          "infrastructureRef", Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMMachine",
              "name", "m1")));
      return m;
    });
    await("missing Secret reported", () -> ("False/WaitingForBootstrapData/bootstrap Secret " + ns
        + "/m1-boot not found").equals(ready(get(ns, "m1"))));

    secret(ns, "m1-boot");
    await("provisioned", () -> {
      KVMMachine k = get(ns, "m1");
      return k.getStatus() != null && k.getStatus().getInitialization() != null
          && Boolean.TRUE.equals(k.getStatus().getInitialization().getProvisioned());
    });
    KVMMachine k = get(ns, "m1");
    MachineIdentity id = MachineIdentity.of(ns, "m1");
    assertEquals("kvm://default/" + id.uuid(), k.getSpec().getProviderID());
    assertEquals("default", k.getSpec().getFailureDomain());
    assertTrue(k.getStatus().getAddresses().stream().anyMatch(a -> a.getType().equals("InternalIP")));
    assertTrue(libvirt.findDomain(id.uuid()).orElseThrow().active());
    assertTrue(client.v1().events().inNamespace(ns).list().getItems().stream()
        .anyMatch(e -> "Provisioned".equals(e.getReason())));

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + provider.httpPort();
    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("capkit_provider_object_creation_timestamp_seconds{kind=\"KVMMachine\",name=\"m1\","
        + "namespace=\"" + ns + "\"}"), metrics);
    assertTrue(metrics.contains("capkit_provider_reconcile_duration_seconds_count{kind=\"KVMMachine\""), metrics);
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertTrue(http.send(HttpRequest.newBuilder(URI.create(base + "/version")).build(),
        HttpResponse.BodyHandlers.ofString()).body().contains("\"component\":\"capkit-kvm-provider\""));
    // No event or status field carries the bootstrap data.
    assertFalse(client.v1().events().inNamespace(ns).list().getItems().stream()
        .anyMatch(e -> e.getMessage().contains("#cloud-config")));

    client.resources(KVMMachine.class).inNamespace(ns).withName("m1").delete();
    await("KVMMachine gone", () -> get(ns, "m1") == null);
    assertTrue(libvirt.findDomain(id.uuid()).isEmpty());
    assertTrue(libvirt.listVolumes(TestPlans.POOL).stream().noneMatch(v -> v.startsWith(id.domainName() + "-")));
  }

  @Test
  void domainAlreadyGoneCompletesDeletionAndMoveKeepsTheVm() throws Exception {
    String ns = "gone";
    cluster(ns);
    secret(ns, "boot");
    for (String name : List.of("a", "b")) {
      kvmMachine(ns, name, machine(ns, name, "boot"));
    }
    await("both provisioned", () -> List.of("a", "b").stream().allMatch(n -> {
      String r = ready(get(ns, n));
      return r != null && r.startsWith("True/");
    }));
    MachineIdentity a = MachineIdentity.of(ns, "a");
    libvirt.destroyDomain(a.uuid());
    libvirt.undefineDomain(a.uuid());
    client.resources(KVMMachine.class).inNamespace(ns).withName("a").delete();
    await("a gone", () -> get(ns, "a") == null);
    assertTrue(libvirt.listVolumes(TestPlans.POOL).stream().noneMatch(v -> v.startsWith(a.domainName() + "-")));

    MachineIdentity b = MachineIdentity.of(ns, "b");
    client.resources(KVMMachine.class).inNamespace(ns).withName("b").edit(k -> {
      k.getMetadata().setAnnotations(Map.of(CapiObjects.DELETE_FOR_MOVE_ANNOTATION, ""));
      return k;
    });
    client.resources(KVMMachine.class).inNamespace(ns).withName("b").delete();
    await("b gone", () -> get(ns, "b") == null);
    assertTrue(libvirt.findDomain(b.uuid()).orElseThrow().active(), "a moved machine keeps its VM");
  }

  @Test
  void invalidTemplateValuesAreReportedOnTheObject() throws Exception {
    String ns = "bad";
    cluster(ns);
    secret(ns, "boot");
    GenericKubernetesResource m = machine(ns, "x", "boot");
    KVMMachine k = new KVMMachine();
    k.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("x").withOwnerReferences(
        new OwnerReferenceBuilder().withApiVersion("cluster.x-k8s.io/v1beta2").withKind("Machine").withName("x")
            .withUid(m.getMetadata().getUid()).build()).build());
    k.setSpec(TestPlans.spec());
    k.getSpec().setMemory("lots");
    client.resources(KVMMachine.class).inNamespace(ns).resource(k).create();
    await("InvalidSpec", () -> {
      String r = ready(get(ns, "x"));
      return r != null && r.startsWith("False/InvalidSpec/spec.memory: \"lots\" is not a memory quantity");
    });
    assertTrue(libvirt.findDomain(MachineIdentity.of(ns, "x").uuid()).isEmpty());
  }
}
