package io.capkit.demo;

import static io.capkit.demo.CapiLoop.CAPI;
import static io.capkit.demo.CapiLoop.INFRA;
import static io.capkit.demo.CapiLoop.controlPlane;
import static io.capkit.demo.CapiLoop.phase;
import static io.capkit.demo.CapiLoop.providerID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.DocumentTrees;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.RenderedCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * capkit's KVM provider driven by the real Cluster API v1.14 managers (core, kubeadm bootstrap, kubeadm control
 * plane), on a real kube-apiserver, against libvirt's test driver. Every assertion reads objects back from the API
 * server or domains and volumes from libvirt. Each test has its own cluster in its own namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapiLoopE2E {
  private static final Duration UP = Duration.ofMinutes(4);
  private static final io.fabric8.kubernetes.client.dsl.base.PatchContext MERGE =
      io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE);
  private CapiLoop loop;

  @BeforeAll
  void start() {
    loop = new CapiLoop();
  }

  @AfterAll
  void stop() {
    if (loop != null) {
      loop.close();
    }
  }

  @Test
  void kcpCabpkAndTheProviderTakeTheFirstControlPlaneMachineToProvisioned() {
    RenderedCluster c = loop.apply("e2e-cp", "alpha", Map.of("CONTROL_PLANE_MACHINE_COUNT", 3, "WORKER_MACHINE_COUNT", 1));
    String ns = c.source().namespace();
    GenericKubernetesResource machine = loop.await("a control-plane Machine Provisioned", UP, () ->
        loop.machines(ns, "alpha").stream().filter(m -> controlPlane(m)
            && Set.of("Provisioned", "Running").contains(phase(m))).findFirst().orElse(null));

    // KCP made it, from the rendered KubeadmControlPlane; CABPK wrote its bootstrap data.
    assertEquals("KubeadmControlPlane", machine.getMetadata().getOwnerReferences().get(0).getKind());
    String secretName = (String) DocumentTrees.at(machine.getAdditionalProperties(), "spec", "bootstrap", "dataSecretName");
    assertNotNull(secretName, "CABPK wrote no bootstrap data");
    Secret bootstrap = loop.client.secrets().inNamespace(ns).withName(secretName).get();
    assertTrue(bootstrap.getData().containsKey("value"), "bootstrap Secret without key value");
    // The infra machine was cloned from the rendered, hash-named KVMMachineTemplate and provisioned by capkit.
    String infraName = (String) DocumentTrees.at(machine.getAdditionalProperties(), "spec", "infrastructureRef", "name");
    GenericKubernetesResource kvm = loop.client.genericKubernetesResources(INFRA, "KVMMachine").inNamespace(ns)
        .withName(infraName).get();
    String template = kvm.getMetadata().getAnnotations().get("cluster.x-k8s.io/cloned-from-name");
    assertTrue(c.objects().stream().anyMatch(o -> o.kind().equals("KVMMachineTemplate") && o.name().equals(template)),
        "KVMMachine cloned from " + template);
    assertEquals(Boolean.TRUE, DocumentTrees.at(kvm.getAdditionalProperties(), "status", "initialization", "provisioned"));
    assertEquals(providerID(kvm), providerID(machine), "CAPI copies the providerID from the infra machine");
    assertTrue(providerID(machine).startsWith("kvm://"), providerID(machine));
    assertTrue(loop.domains(ns, "alpha").contains(ns + "." + infraName), "no libvirt domain for " + infraName);
    // Failure domain: KCP's placement, where the machine runs.
    Object placed = DocumentTrees.at(machine.getAdditionalProperties(), "spec", "failureDomain");
    Object reported = DocumentTrees.at(kvm.getAdditionalProperties(), "status", "failureDomain");
    assertNotNull(reported, "KVMMachine reports no status.failureDomain");
    if (placed != null) {
      assertEquals(placed, reported, "the machine runs where KCP placed it");
    }
    // Without an initialised control plane KCP holds at one machine; kubeadm join needs a running API server.
    assertEquals(1, loop.machines(ns, "alpha").stream().filter(CapiLoop::controlPlane).count());
  }

  @Test
  void workersJoinAndRunOnceTheControlPlaneIsInitialised() {
    RenderedCluster c = loop.apply("e2e-run", "bravo", Map.of("CONTROL_PLANE_MACHINE_COUNT", 1, "WORKER_MACHINE_COUNT", 2));
    String ns = c.source().namespace();
    List<GenericKubernetesResource> running = awaitRunning(ns, "bravo", 1, 2);
    KubernetesClient workload = loop.workloads.workloadClient(ns, "bravo").orElseThrow();
    Set<String> nodeProviderIds = workload.nodes().list().getItems().stream().map(n -> n.getSpec().getProviderID())
        .collect(Collectors.toSet());
    for (GenericKubernetesResource m : running) {
      assertTrue(nodeProviderIds.contains(providerID(m)), m.getMetadata().getName() + " has no Node");
      Object nodeRef = DocumentTrees.at(m.getAdditionalProperties(), "status", "nodeRef", "name");
      assertNotNull(nodeRef, "CAPI set no nodeRef on " + m.getMetadata().getName());
    }
    GenericKubernetesResource kcp = loop.client.genericKubernetesResources("controlplane.cluster.x-k8s.io/v1beta2",
        "KubeadmControlPlane").inNamespace(ns).withName("bravo").get();
    assertEquals(Boolean.TRUE, DocumentTrees.at(kcp.getAdditionalProperties(), "status", "initialization",
        "controlPlaneInitialized"));
    // Worker Machines belong to a MachineSet of the rendered MachineDeployment.
    running.stream().filter(m -> !controlPlane(m)).forEach(m ->
        assertEquals("MachineSet", m.getMetadata().getOwnerReferences().get(0).getKind()));
    assertEquals(3, loop.domains(ns, "bravo").size(), loop.domains(ns, "bravo").toString());
  }

  @Test
  void scalingTheMachineDeploymentDownRemovesTheDomain() {
    RenderedCluster c = loop.apply("e2e-scale", "charlie", Map.of("CONTROL_PLANE_MACHINE_COUNT", 1,
        "WORKER_MACHINE_COUNT", 2));
    String ns = c.source().namespace();
    awaitRunning(ns, "charlie", 1, 2);
    assertEquals(3, loop.domains(ns, "charlie").size());
    // As `kubectl scale` would: a merge patch, no read-modify-write racing CAPI's own status writes.
    loop.client.genericKubernetesResources(CAPI, "MachineDeployment").inNamespace(ns).withName("charlie-md-0")
        .patch(MERGE, "{\"spec\":{\"replicas\":1}}");
    loop.await("one worker left and its domain gone", UP, () ->
        loop.machines(ns, "charlie").stream().filter(m -> !controlPlane(m)).count() == 1
            && loop.kvmMachines(ns, "charlie").size() == 2 && loop.domains(ns, "charlie").size() == 2 ? true : null);
    Set<String> kvmNames = loop.kvmMachines(ns, "charlie").stream().map(k -> ns + "." + k.getMetadata().getName())
        .collect(Collectors.toSet());
    assertEquals(kvmNames, Set.copyOf(loop.domains(ns, "charlie")), "domains are exactly the KVMMachines'");
  }

  @Test
  void aChangedMachineTemplateRollsTheWorkers() {
    RenderedCluster first = loop.apply("e2e-roll", "delta", Map.of("CONTROL_PLANE_MACHINE_COUNT", 1,
        "WORKER_MACHINE_COUNT", 2, "WORKER_MACHINE_CPUS", 2));
    String ns = first.source().namespace();
    List<GenericKubernetesResource> before = awaitRunning(ns, "delta", 1, 2);
    Set<String> oldWorkers = names(before.stream().filter(m -> !controlPlane(m)).toList());
    RenderedCluster second = loop.apply("e2e-roll", "delta", Map.of("CONTROL_PLANE_MACHINE_COUNT", 1,
        "WORKER_MACHINE_COUNT", 2, "WORKER_MACHINE_CPUS", 3));
    String oldTemplate = workerTemplate(first);
    String newTemplate = workerTemplate(second);
    assertNotEquals(oldTemplate, newTemplate, "a changed spec gives the template a new hash name");
    loop.await("two workers Running from " + newTemplate + " and the old ones gone", UP, () -> {
      List<GenericKubernetesResource> workers = loop.machines(ns, "delta").stream().filter(m -> !controlPlane(m)).toList();
      boolean rolled = workers.size() == 2 && workers.stream().allMatch(m -> "Running".equals(phase(m))
          && newTemplate.equals(kvmTemplateOf(ns, m)));
      return rolled && loop.domains(ns, "delta").size() == 3 ? true : null;
    });
    Set<String> now = names(loop.machines(ns, "delta").stream().filter(m -> !controlPlane(m)).toList());
    assertTrue(now.stream().noneMatch(oldWorkers::contains), "old workers still there: " + now);
    for (GenericKubernetesResource k : loop.kvmMachines(ns, "delta")) {
      assertTrue(loop.domains(ns, "delta").contains(ns + "." + k.getMetadata().getName()));
    }
  }

  @Test
  void aPausedClusterStopsTheProvider() {
    RenderedCluster c = loop.apply("e2e-pause", "echo", Map.of("CONTROL_PLANE_MACHINE_COUNT", 1, "WORKER_MACHINE_COUNT", 1));
    String ns = c.source().namespace();
    awaitRunning(ns, "echo", 1, 1);
    loop.client.genericKubernetesResources(CAPI, "Cluster").inNamespace(ns).withName("echo")
        .patch(MERGE, "{\"spec\":{\"paused\":true}}");
    loop.await("KVMMachines reporting Paused=True", UP, () -> loop.kvmMachines(ns, "echo").stream()
        .allMatch(k -> "True".equals(condition(k, "Paused"))) ? true : null);
    GenericKubernetesResource worker = loop.kvmMachines(ns, "echo").stream()
        .filter(k -> !k.getMetadata().getLabels().containsKey("cluster.x-k8s.io/control-plane")).findFirst()
        .orElseThrow();
    String domain = ns + "." + worker.getMetadata().getName();
    loop.client.resource(worker).delete();
    // The provider must leave a paused machine alone, deletion included: the object stays with its finalizer.
    loop.await("the deletion to be seen", Duration.ofSeconds(30), () -> loop.client.genericKubernetesResources(INFRA,
        "KVMMachine").inNamespace(ns).withName(worker.getMetadata().getName()).get().getMetadata()
        .getDeletionTimestamp() != null ? true : null);
    sleep(Duration.ofSeconds(5));
    assertNotNull(loop.client.genericKubernetesResources(INFRA, "KVMMachine").inNamespace(ns)
        .withName(worker.getMetadata().getName()).get(), "paused KVMMachine was finalised");
    assertTrue(loop.backend.listDomains().contains(domain), "paused machine's domain was removed");
    loop.client.genericKubernetesResources(CAPI, "Cluster").inNamespace(ns).withName("echo")
        .patch(MERGE, "{\"spec\":{\"paused\":false}}");
    loop.await("the unpaused deletion to finish", UP, () -> !loop.backend.listDomains().contains(domain)
        && loop.client.genericKubernetesResources(INFRA, "KVMMachine").inNamespace(ns)
            .withName(worker.getMetadata().getName()).get() == null ? true : null);
  }

  @Test
  void deletingTheClusterRemovesEveryMachineDomainAndVolume() {
    RenderedCluster c = loop.apply("e2e-delete", "foxtrot", Map.of("CONTROL_PLANE_MACHINE_COUNT", 1,
        "WORKER_MACHINE_COUNT", 2));
    String ns = c.source().namespace();
    awaitRunning(ns, "foxtrot", 1, 2);
    assertFalse(loop.volumes(ns, "foxtrot").isEmpty(), "no volumes before deletion");
    loop.client.genericKubernetesResources(CAPI, "Cluster").inNamespace(ns).withName("foxtrot").delete();
    loop.await("the Cluster and everything of it gone", UP, () ->
        loop.client.genericKubernetesResources(CAPI, "Cluster").inNamespace(ns).withName("foxtrot").get() == null
            && loop.machines(ns, "foxtrot").isEmpty() && loop.kvmMachines(ns, "foxtrot").isEmpty()
            && loop.domains(ns, "foxtrot").isEmpty() && loop.volumes(ns, "foxtrot").isEmpty() ? true : null);
    assertTrue(loop.client.genericKubernetesResources(INFRA, "KVMCluster").inNamespace(ns).list().getItems().isEmpty(),
        "KVMCluster left behind");
  }

  @Test
  void aProviderRestartInTheMiddleLeavesNoDuplicateDomain() {
    loop.stopProvider();
    RenderedCluster c = loop.apply("e2e-restart", "golf", Map.of("CONTROL_PLANE_MACHINE_COUNT", 1,
        "WORKER_MACHINE_COUNT", 2));
    try {
      loop.startProvider();
      // Stop the provider as soon as it has started on the first machine: a volume exists, the domain may not.
      loop.await("the provider's first step", UP, () -> !loop.volumes(c.source().namespace(), "golf").isEmpty()
          ? true : null);
      loop.stopProvider();
      sleep(Duration.ofSeconds(2));
    } finally {
      loop.startProvider();
    }
    String ns = c.source().namespace();
    awaitRunning(ns, "golf", 1, 2);
    List<String> domains = loop.domains(ns, "golf");
    assertEquals(new HashSet<>(domains).size(), domains.size(), "duplicate domain names: " + domains);
    Set<String> kvmNames = loop.kvmMachines(ns, "golf").stream().map(k -> ns + "." + k.getMetadata().getName())
        .collect(Collectors.toSet());
    assertEquals(kvmNames, Set.copyOf(domains), "one domain per KVMMachine, no leftovers");
    Set<String> uuids = loop.kvmMachines(ns, "golf").stream().map(CapiLoop::providerID).collect(Collectors.toSet());
    assertEquals(3, uuids.size(), "distinct providerIDs: " + uuids);
    for (String v : loop.volumes(ns, "golf")) {
      assertTrue(kvmNames.stream().anyMatch(k -> v.startsWith(k + "-")), "volume " + v + " belongs to no KVMMachine");
    }
  }

  private List<GenericKubernetesResource> awaitRunning(String ns, String cluster, int cps, int workers) {
    return loop.await(cps + " control-plane and " + workers + " worker Machines Running in " + ns + "/" + cluster, UP,
        () -> {
          List<GenericKubernetesResource> ms = loop.machines(ns, cluster);
          long cp = ms.stream().filter(m -> controlPlane(m) && "Running".equals(phase(m))).count();
          long w = ms.stream().filter(m -> !controlPlane(m) && "Running".equals(phase(m))).count();
          return cp >= cps && w == workers && ms.size() == cps + workers ? ms : null;
        });
  }

  private String kvmTemplateOf(String ns, GenericKubernetesResource machine) {
    String infra = (String) DocumentTrees.at(machine.getAdditionalProperties(), "spec", "infrastructureRef", "name");
    GenericKubernetesResource k = loop.client.genericKubernetesResources(INFRA, "KVMMachine").inNamespace(ns)
        .withName(infra).get();
    return k == null ? null : k.getMetadata().getAnnotations().get("cluster.x-k8s.io/cloned-from-name");
  }

  private static String workerTemplate(RenderedCluster c) {
    return c.objects().stream().filter(o -> o.kind().equals("MachineDeployment")).map(KubeObject::document)
        .map(d -> (String) DocumentTrees.at(d, "spec", "template", "spec", "infrastructureRef", "name"))
        .findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static String condition(GenericKubernetesResource o, String type) {
    Object list = DocumentTrees.at(o.getAdditionalProperties(), "status", "conditions");
    if (list instanceof List<?> l) {
      for (Object x : l) {
        Map<String, Object> c = (Map<String, Object>) x;
        if (type.equals(c.get("type"))) {
          return String.valueOf(c.get("status"));
        }
      }
    }
    return null;
  }

  private static Set<String> names(List<GenericKubernetesResource> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
