package io.capkit.cli.demo;

import io.capkit.api.yaml.DocumentTrees;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.RenderedCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Does what CAPI's controllers would do for the demo (they are not part of capkit): creates Machines with bootstrap
 * Secrets and the KVMMachines from the rendered templates, and marks a Cluster's infrastructure provisioned once
 * its KVMCluster is.
 */
final class CapiStandIn {
  private static final String CAPI = "cluster.x-k8s.io/v1beta2";
  private static final String INFRA = "infrastructure.cluster.x-k8s.io/v1alpha1";
  private final KubernetesClient client;
  private int skipped;

  CapiStandIn(KubernetesClient client) {
    this.client = client;
  }

  /** Machines for the control plane and the MachineDeployment of one rendered cluster; returns how many. */
  @SuppressWarnings("unchecked")
  int createMachines(RenderedCluster c) {
    Map<String, Map<String, Object>> templates = new LinkedHashMap<>();
    KubeObject kcp = null;
    KubeObject md = null;
    for (KubeObject o : c.objects()) {
      switch (o.kind()) {
        case "KVMMachineTemplate" -> templates.put(o.name(),
            (Map<String, Object>) ((Map<String, Object>) spec(o).get("template")).get("spec"));
        case "KubeadmControlPlane" -> kcp = o;
        case "MachineDeployment" -> md = o;
        default -> { }
      }
    }
    String cluster = c.source().name();
    String ns = c.source().namespace();
    String version = String.valueOf(c.release().kubernetesVersion());
    if (c.objects().stream().anyMatch(o -> o.kind().equals("KVMCluster"))) {
      adoptInfrastructure(ns, cluster);
    }
    int n = 0;
    if (kcp != null) {
      Map<String, Object> machineTemplate = (Map<String, Object>) spec(kcp).get("machineTemplate");
      // v1beta2 nests the reference under machineTemplate.spec; v1beta1 (byoh-metal3) has it directly.
      Map<String, Object> ref = machineTemplate.containsKey("spec")
          ? (Map<String, Object>) machineTemplate.get("spec") : machineTemplate;
      String template = (String) ((Map<String, Object>) ref.get("infrastructureRef")).get("name");
      int replicas = ((Number) spec(kcp).get("replicas")).intValue();
      for (int i = 0; i < replicas && templates.containsKey(template); i++) {
        create(ns, cluster, cluster + "-cp-" + i, true, version, templates.get(template));
        n++;
      }
      skipped += templates.containsKey(template) ? 0 : replicas;
    }
    if (md != null) {
      Map<String, Object> tspec = (Map<String, Object>) ((Map<String, Object>) spec(md).get("template")).get("spec");
      String template = (String) ((Map<String, Object>) tspec.get("infrastructureRef")).get("name");
      int replicas = ((Number) spec(md).get("replicas")).intValue();
      // Metal3 and BYOH machines need bare-metal or BYO hosts the demo does not have; only KVM machines are created.
      for (int i = 0; i < replicas && templates.containsKey(template); i++) {
        create(ns, cluster, md.name() + "-" + i, false, version, templates.get(template));
        n++;
      }
      skipped += templates.containsKey(template) ? 0 : replicas;
    }
    return n;
  }

  /** Machines of rendered clusters left out because their infrastructure is not KVM (Metal3, BYOH). */
  int skippedMachines() {
    return skipped;
  }

  /** CAPI's Cluster controller makes the Cluster the owner of its infrastructure cluster; the provider waits for it. */
  private void adoptInfrastructure(String ns, String cluster) {
    GenericKubernetesResource owner = client.genericKubernetesResources(CAPI, "Cluster").inNamespace(ns).withName(cluster)
        .get();
    GenericKubernetesResource kc = client.genericKubernetesResources(INFRA, "KVMCluster").inNamespace(ns)
        .withName(cluster).get();
    kc.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
        .withApiVersion(CAPI).withKind("Cluster").withName(cluster).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build()));
    client.resource(kc).update();
  }

  private void create(String ns, String cluster, String name, boolean controlPlane, String version,
                      Map<String, Object> kvmSpec) {
    String secret = name + "-bootstrap";
    String cloudConfig = "#cloud-config\n# kubeadm " + (controlPlane ? "init/join" : "join") + " for " + cluster
        + " would be here\nruncmd:\n- [sh, -c, 'echo capkit demo']\n";
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(secret).withNamespace(ns)
            .addToLabels("cluster.x-k8s.io/cluster-name", cluster).endMetadata()
            .withType("cluster.x-k8s.io/secret")
            .addToData("value", Base64.getEncoder().encodeToString(cloudConfig.getBytes(StandardCharsets.UTF_8)))
            .addToData("format", Base64.getEncoder().encodeToString("cloud-config".getBytes(StandardCharsets.UTF_8)))
            .build())
        .create();
    Map<String, Object> labels = new LinkedHashMap<>(Map.of("cluster.x-k8s.io/cluster-name", cluster));
    if (controlPlane) {
      labels.put("cluster.x-k8s.io/control-plane", "");
    }
    Map<String, Object> machine = Map.of("apiVersion", CAPI, "kind", "Machine",
        "metadata", Map.of("name", name, "namespace", ns, "labels", labels),
        "spec", Map.of("clusterName", cluster, "version", version,
            "bootstrap", Map.of("dataSecretName", secret),
            "infrastructureRef", Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMMachine", "name", name)));
    GenericKubernetesResource m = client.resource(generic(machine)).create();
    Map<String, Object> owner = Map.of("apiVersion", CAPI, "kind", "Machine", "name", name,
        "uid", m.getMetadata().getUid(), "controller", true, "blockOwnerDeletion", true);
    Map<String, Object> kvm = Map.of("apiVersion", INFRA, "kind", "KVMMachine",
        "metadata", Map.of("name", name, "namespace", ns, "labels", labels, "ownerReferences", List.of(owner)),
        "spec", kvmSpec);
    client.resource(generic(kvm)).create();
  }

  /** Waits until every KVMMachine is provisioned (or the timeout), marking Clusters' infrastructure on the way. */
  @SuppressWarnings("unchecked")
  List<Demo.MachineRow> awaitProvisioned(Duration timeout, Consumer<String> progress) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastDone = -1;
    List<Demo.MachineRow> rows = List.of();
    while (System.nanoTime() < deadline) {
      for (GenericKubernetesResource kc : client.genericKubernetesResources(INFRA, "KVMCluster").inAnyNamespace().list()
          .getItems()) {
        if (Boolean.TRUE.equals(DocumentTrees.at(kc.getAdditionalProperties(), "status", "initialization",
            "provisioned"))) {
          GenericKubernetesResource cluster = client.genericKubernetesResources(CAPI, "Cluster")
              .inNamespace(kc.getMetadata().getNamespace()).withName(kc.getMetadata().getName()).get();
          if (cluster != null && !Boolean.TRUE.equals(DocumentTrees.at(cluster.getAdditionalProperties(), "status",
              "initialization", "infrastructureProvisioned"))) {
            Map<String, Object> status = (Map<String, Object>) cluster.getAdditionalProperties()
                .computeIfAbsent("status", k -> new LinkedHashMap<>());
            status.put("initialization", Map.of("infrastructureProvisioned", true));
            client.resource(cluster).updateStatus();
          }
        }
      }
      rows = rows();
      long done = rows.stream().filter(Demo.MachineRow::provisioned).count();
      if (done != lastDone) {
        progress.accept(done + "/" + rows.size() + " KVMMachines provisioned");
        lastDone = done;
      }
      if (!rows.isEmpty() && done == rows.size()) {
        break;
      }
      Thread.sleep(500);
    }
    return rows;
  }

  @SuppressWarnings("unchecked")
  private List<Demo.MachineRow> rows() {
    List<Demo.MachineRow> out = new ArrayList<>();
    for (GenericKubernetesResource m : client.genericKubernetesResources(INFRA, "KVMMachine").inAnyNamespace().list()
        .getItems()) {
      Map<String, Object> p = m.getAdditionalProperties();
      Object addresses = DocumentTrees.at(p, "status", "addresses");
      String addr = addresses instanceof List<?> l ? l.stream()
          .map(a -> String.valueOf(((Map<String, Object>) a).get("address"))).collect(Collectors.joining(",")) : "";
      Object conditions = DocumentTrees.at(p, "status", "conditions");
      String cond = conditions instanceof List<?> l ? l.stream().map(x -> (Map<String, Object>) x)
          .map(x -> x.get("type") + "=" + x.get("status") + ("False".equals(x.get("status")) && x.get("reason") != null
              ? "(" + x.get("reason") + ")" : "")).collect(Collectors.joining(" ")) : "";
      Object providerId = DocumentTrees.at(p, "spec", "providerID");
      out.add(new Demo.MachineRow(m.getMetadata().getNamespace(), m.getMetadata().getName(),
          providerId == null ? "" : providerId.toString(), addr, cond,
          Boolean.TRUE.equals(DocumentTrees.at(p, "status", "initialization", "provisioned"))));
    }
    out.sort((a, b) -> (a.namespace() + "/" + a.name()).compareTo(b.namespace() + "/" + b.name()));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(KubeObject o) {
    return (Map<String, Object>) o.document().get("spec");
  }

  private static GenericKubernetesResource generic(Object o) {
    return Serialization.unmarshal(Serialization.asJson(o), GenericKubernetesResource.class);
  }
}
