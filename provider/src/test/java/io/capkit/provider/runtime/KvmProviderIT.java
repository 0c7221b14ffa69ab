package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterHost;
import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.machine.CapiObjects;
import io.capkit.provider.machine.KvmMachineReconciler;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.provider.machine.TestPlans;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider against a real kube-apiserver + etcd (the JVM's shared {@link KubeApiServerExtension} server with the
 * checked-in KVM CRDs and the upstream CAPI CRDs) and the libvirt test driver through the real bindings. The
 * provider watches only this class's namespaces, so other classes on the same server are left alone.
 */
@ExtendWith(KubeApiServerExtension.class)
class KvmProviderIT {
  private static final Set<String> NAMESPACES = Set.of("kp-cl", "kp-life", "kp-gone", "kp-paused",
      "kp-invalid", "kp-settled");

  @TempDir
  static Path tmp;
  static KubernetesClient client;
  static TestDriverProvider running;
  static LibvirtBackend libvirt;
  static KvmProvider provider;

  @BeforeAll
  static void start(KubernetesClient apiClient) {
    client = apiClient;
    running = TestDriverProvider.start(tmp, client, NAMESPACES);
    libvirt = running.libvirt;
    provider = running.provider;
  }

  @AfterAll
  static void stop() {
    TestDriverProvider.close(running);
  }

  static KVMMachine get(String ns, String name) {
    return client.resources(KVMMachine.class).inNamespace(ns).withName(name).get();
  }

  @Test
  void kvmClusterReportsFailureDomainsAndProvisioned() throws Exception {
    new CapiFixture(client, "kp-cl").cluster(List.of(), false);
    await("KVMCluster provisioned", () -> {
      KVMCluster kc = client.resources(KVMCluster.class).inNamespace("kp-cl").withName("c1").get();
      return kc.getStatus() != null && kc.getStatus().getInitialization() != null
          && kc.getStatus().getInitialization().getProvisioned();
    });
    KVMCluster kc = client.resources(KVMCluster.class).inNamespace("kp-cl").withName("c1").get();
    assertEquals("default", kc.getStatus().getFailureDomains().get(0).getName());
    assertTrue(kc.getMetadata().getFinalizers().contains("infrastructure.cluster.x-k8s.io/kvmcluster"));
  }

  /**
   * A KVMCluster naming a host that does not exist is re-checked every 30-36 s (KVMHosts are not watched). The
   * re-check must write nothing: before, every reconcile emitted the InvalidSpec warning again (the Event's count
   * rose each time).
   */
  @Test
  void invalidClusterIsRecheckedWithoutWritingStatusOrRepeatingItsWarning() throws Exception {
    KVMClusterHost missing = new KVMClusterHost();
    missing.setName("no-such-host");
    CapiFixture f = new CapiFixture(client, "kp-invalid").clusterOn(List.of(missing), false);
    await("InvalidSpec warning", () -> f.events("c1", "InvalidSpec").size() == 1);
    String version = client.resources(KVMCluster.class).inNamespace("kp-invalid").withName("c1").get()
        .getMetadata().getResourceVersion();
    double reconciled = lastReconciled("kp-invalid", "c1");
    await("a re-check", () -> lastReconciled("kp-invalid", "c1") > reconciled, java.time.Duration.ofSeconds(60));
    Event warning = f.events("c1", "InvalidSpec").get(0);
    assertTrue(warning.getCount() == null || warning.getCount() == 1, "warning repeated: count " + warning.getCount());
    assertEquals(version, client.resources(KVMCluster.class).inNamespace("kp-invalid").withName("c1").get()
        .getMetadata().getResourceVersion(), "the re-check wrote the KVMCluster");
  }

  static double lastReconciled(String ns, String name) {
    return lastReconciled("KVMCluster", ns, name);
  }

  static double lastReconciled(String kind, String ns, String name) {
    String prefix = "capkit_provider_object_last_reconciled_timestamp_seconds{kind=\"" + kind + "\",name=\"" + name
        + "\",namespace=\"" + ns + "\"} ";
    return provider.metrics().scrape().lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(0);
  }

  /**
   * What a provisioned machine costs the API server (issue 18: its CPU is most of a provisioning burst's): four
   * requests from the provider, counted by its own client ({@code capkit_provider_api_requests_total}) — the
   * bootstrap Secret GET, the host claim (finalizer, failure domain, providerID), the status apply and the Normal
   * event; no GET of the KVMMachine (a patch by name alone made fabric8 read it first) and no second reconcile for
   * the provider's own claim. A provider of its own watches only this test's namespace, so nothing else counts.
   */
  @Test
  void aProvisionedMachineCostsFourApiRequests() throws Exception {
    String ns = "kp-budget";
    int n = 4;
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(), false);
    List<GenericKubernetesResource> machines = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      f.secret("boot-" + i);
      machines.add(f.machine("m" + i, "boot-" + i, null));
    }
    try (TestDriverProvider budget = TestDriverProvider.start(java.nio.file.Files.createDirectories(
        tmp.resolve("budget")), client, Set.of(ns))) {
      KvmProvider own = budget.provider;
      // As CAPI does: the Machine exists (and is in the provider's cache) before its KVMMachine.
      HttpClient http = HttpClient.newHttpClient();
      await("the provider ready", () -> {
        try {
          return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.httpPort() + "/readyz"))
              .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      });
      Thread.sleep(1000);
      Map<String, Long> before = requests(own);
      for (int i = 0; i < n; i++) {
        f.kvmMachine("m" + i, machines.get(i));
      }
      for (int i = 0; i < n; i++) {
        String name = "m" + i;
        await(name + " provisioned", () -> f.provisioned(name));
      }
      Thread.sleep(1500); // whatever would follow the status write (a second reconcile) has happened by now
      Map<String, Long> spent = new java.util.TreeMap<>(requests(own));
      before.forEach((k, v) -> spent.merge(k, -v, Long::sum));
      spent.values().removeIf(v -> v == 0);
      assertEquals(Map.of("GET secrets", (long) n, "PATCH kvmmachines", (long) n, "APPLY kvmmachines/status",
          (long) n, "POST events", (long) n), spent);
    }
  }

  private static Map<String, Long> requests(KvmProvider p) {
    Map<String, Long> out = new java.util.TreeMap<>();
    p.metrics().scrape().lines().filter(l -> l.startsWith(ApiRequests.METRIC + "_total{")).forEach(l -> {
      String verb = l.replaceAll(".*verb=\"([^\"]*)\".*", "$1");
      String resource = l.replaceAll(".*resource=\"([^\"]*)\".*", "$1");
      out.merge(verb + " " + resource, (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), Long::sum);
    });
    return out;
  }

  @Test
  void machineWaitsForOwnerAndBootstrapDataThenProvisionsAndIsDeletedCleanly() throws Exception {
    String ns = "kp-life";
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(), false);
    f.kvmMachine("m1", null);
    Thread.sleep(1500);
    KVMMachine unowned = f.get("m1");
    assertTrue(unowned.getMetadata().getFinalizers() == null || unowned.getMetadata().getFinalizers().isEmpty(),
        "finalizer before owner reference");
    assertNull(unowned.getStatus());

    GenericKubernetesResource machine = f.machine("m1", null, null);
    // The Machine's watch event reaches the KVMMachine it names before the owner reference does: still nothing.
    Thread.sleep(1500);
    assertNull(f.get("m1").getStatus(), "status written before the owner reference");
    client.resources(KVMMachine.class).inNamespace(ns).withName("m1").edit(k -> {
      k.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("cluster.x-k8s.io/v1beta2")
          .withKind("Machine").withName("m1").withUid(machine.getMetadata().getUid()).build()));
      return k;
    });
    await("waiting for bootstrap data", () -> {
      String r = f.ready("m1");
      return r != null && r.startsWith("False/WaitingForBootstrapData/Machine has no");
    });
    List<String> waiting = f.get("m1").getMetadata().getFinalizers();
    assertTrue(waiting == null || waiting.isEmpty(), "nothing exists on libvirt yet, so no finalizer: " + waiting);

    // The Machine watch: dataSecretName appears → reconciled at once (the resync is 5 minutes).
    client.genericKubernetesResources(CapiFixture.MACHINES).inNamespace(ns).withName("m1").edit(m -> {
      m.setAdditionalProperty("spec", CapiFixture.machineSpec("m1", "m1-boot", null));
      return m;
    });
    await("missing Secret reported", () -> ("False/WaitingForBootstrapData/bootstrap Secret " + ns
        + "/m1-boot not found").equals(f.ready("m1")));

    // The Secret watch: the data Secret appears → provisioned.
    f.secret("m1-boot");
    await("provisioned", () -> f.provisioned("m1"));
    KVMMachine k = f.get("m1");
    MachineIdentity id = MachineIdentity.of(ns, "m1");
    assertEquals("kvm://default/" + id.uuid(), k.getSpec().getProviderID());
    assertEquals("default", k.getSpec().getFailureDomain());
    assertEquals(List.of(KvmMachineReconciler.FINALIZER), k.getMetadata().getFinalizers(),
        "added with the host claim, before anything was created");
    assertTrue(k.getStatus().getAddresses().stream().anyMatch(a -> a.getType().equals("InternalIP")));
    assertTrue(libvirt.findDomain(id.uuid()).orElseThrow().active());
    assertEquals(1, f.events("m1", "Provisioned").size());

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + provider.httpPort();
    String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("capkit_provider_object_creation_timestamp_seconds{kind=\"KVMMachine\",name=\"m1\","
        + "namespace=\"" + ns + "\"}"), metrics);
    assertTrue(metrics.contains("capkit_provider_object_last_reconciled_timestamp_seconds{kind=\"KVMMachine\",name=\"m1\","
        + "namespace=\"" + ns + "\"}"), metrics);
    // JOSDK's own metrics (micrometer-support) on the same registry; capkit's hand-built duration timer is gone.
    assertTrue(metrics.contains("operator_sdk_controllers_execution_reconcile_seconds_count{"
        + "controller=\"kvmmachinereconciler\",resource_group=\"infrastructure.cluster.x-k8s.io\","
        + "resource_kind=\"KVMMachine\""), metrics);
    assertTrue(metrics.contains("operator_sdk_controllers_execution_reconcile_seconds_count{"
        + "controller=\"kvmclusterreconciler\""), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("operator_sdk_reconciliations_started_total{")
        && l.contains("kind=\"KVMMachine\"") && l.contains("reconciliations_retries_number=")), metrics);
    assertTrue(metrics.contains("operator_sdk_reconciliations_queue_size_kvmmachinereconciler{"), metrics);
    assertFalse(metrics.contains("capkit_provider_reconcile_duration"), metrics);
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
    await("KVMMachine gone", () -> f.get("m1") == null);
    assertTrue(libvirt.findDomain(id.uuid()).isEmpty());
    assertTrue(libvirt.listVolumes(TestPlans.POOL).stream().noneMatch(v -> v.startsWith(id.domainName() + "-")));
  }

  /**
   * A provisioned machine reads no bootstrap Secret (issue 18: under real CAPI every reconcile of a settled machine
   * GET it): with the Secret deleted, a reconcile leaves it provisioned. Only when its domain is gone and the seed
   * must be made again does it read the Secret, and wait for it, creating nothing meanwhile.
   */
  @Test
  void settledMachineReadsNoSecretButARemadeSeedWaitsForIt() throws Exception {
    String ns = "kp-settled";
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(), false);
    f.secret("boot");
    f.kvmMachine("s", f.machine("s", "boot", null));
    await("provisioned", () -> f.provisioned("s"));
    assertEquals("True/Provisioned/", f.ready("s"));
    client.secrets().inNamespace(ns).withName("boot").delete();
    await("Secret gone", () -> client.secrets().inNamespace(ns).withName("boot").get() == null);

    double before = lastReconciled("KVMMachine", ns, "s");
    Thread.sleep(1100); // the metric counts whole seconds
    poke(ns, "s", "1");
    await("reconciled after the poke", () -> lastReconciled("KVMMachine", ns, "s") > before);
    assertEquals("True/Provisioned/", f.ready("s"), "a settled machine needed its bootstrap Secret");

    MachineIdentity id = MachineIdentity.of(ns, "s");
    libvirt.destroyDomain(id.uuid());
    libvirt.undefineDomain(id.uuid());
    poke(ns, "s", "2");
    await("waits for the Secret its new seed needs", () -> ("False/WaitingForBootstrapData/bootstrap Secret " + ns
        + "/boot not found").equals(f.ready("s")));
    assertTrue(libvirt.findDomain(id.uuid()).isEmpty(), "a domain defined without bootstrap data");

    f.secret("boot"); // not watched: found by the 5 s poll
    await("provisioned again", () -> "True/Provisioned/".equals(f.ready("s")) && libvirt.findDomain(id.uuid())
        .map(d -> d.active()).orElse(false));
  }

  private static void poke(String ns, String name, String value) {
    client.resources(KVMMachine.class).inNamespace(ns).withName(name).edit(k -> {
      Map<String, String> a = new java.util.HashMap<>(Optional.ofNullable(k.getMetadata().getAnnotations())
          .orElse(Map.of()));
      a.put("example.org/poke", value);
      k.getMetadata().setAnnotations(a);
      return k;
    });
  }

  @Test
  void domainAlreadyGoneCompletesDeletionAndMoveKeepsTheVm() throws Exception {
    String ns = "kp-gone";
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(), false);
    f.secret("boot");
    for (String name : List.of("a", "b")) {
      f.kvmMachine(name, f.machine(name, "boot", null));
    }
    await("both provisioned", () -> f.provisioned("a") && f.provisioned("b"));
    MachineIdentity a = MachineIdentity.of(ns, "a");
    libvirt.destroyDomain(a.uuid());
    libvirt.undefineDomain(a.uuid());
    client.resources(KVMMachine.class).inNamespace(ns).withName("a").delete();
    await("a gone", () -> f.get("a") == null);
    assertTrue(libvirt.listVolumes(TestPlans.POOL).stream().noneMatch(v -> v.startsWith(a.domainName() + "-")));

    MachineIdentity b = MachineIdentity.of(ns, "b");
    client.resources(KVMMachine.class).inNamespace(ns).withName("b").edit(k -> {
      k.getMetadata().setAnnotations(Map.of(CapiObjects.DELETE_FOR_MOVE_ANNOTATION, ""));
      return k;
    });
    client.resources(KVMMachine.class).inNamespace(ns).withName("b").delete();
    await("b gone", () -> f.get("b") == null);
    assertTrue(libvirt.findDomain(b.uuid()).orElseThrow().active(), "a moved machine keeps its VM");
  }

  @Test
  void pausedClusterHoldsMachinesUntilUnpaused() throws Exception {
    String ns = "kp-paused";
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(), true);
    f.secret("boot");
    f.kvmMachine("p", f.machine("p", "boot", null));
    await("Paused", () -> {
      KVMMachine k = f.get("p");
      var c = k.getStatus() == null ? null : Conditions.get(k.getStatus().getConditions(), Conditions.PAUSED);
      return c != null && "True".equals(c.getStatus());
    });
    assertTrue(libvirt.findDomain(MachineIdentity.of(ns, "p").uuid()).isEmpty());
    // The Cluster watch: unpausing reconciles the machine at once.
    f.editCluster(c -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = new java.util.LinkedHashMap<>((Map<String, Object>) c.getAdditionalProperties()
          .get("spec"));
      spec.remove("paused");
      c.setAdditionalProperty("spec", spec);
      return c;
    });
    await("provisioned after unpause", () -> f.provisioned("p"));
    assertTrue(libvirt.findDomain(MachineIdentity.of(ns, "p").uuid()).orElseThrow().active());
  }
}
