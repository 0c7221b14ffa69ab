package io.capkit.provider.runtime;

import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterSpec;
import io.capkit.api.infra.AllowedNamespaces;
import io.capkit.api.infra.KVMClusterHost;
import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.infra.SharedDirectory;
import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.provider.machine.CapiObjects;
import io.capkit.provider.machine.TestPlans;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** CAPI objects as CAPI would create them, in one namespace of the shared test API server, and waiting helpers. */
final class CapiFixture {
  static final ResourceDefinitionContext MACHINES = new ResourceDefinitionContext.Builder()
      .withGroup("cluster.x-k8s.io").withVersion("v1beta2").withKind("Machine").withPlural("machines")
      .withNamespaced(true).build();
  static final ResourceDefinitionContext CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup("cluster.x-k8s.io").withVersion("v1beta2").withKind("Cluster").withPlural("clusters")
      .withNamespaced(true).build();
  static final String CLUSTER = "c1";

  final KubernetesClient client;
  final String ns;

  CapiFixture(KubernetesClient client, String ns) {
    this.client = client;
    this.ns = ns;
  }

  /**
   * KVMHost URI → the libvirt URI a test's connections open for it: an admin's URI must pass the KVMHost rules
   * (no test:///&lt;file&gt;), so hosts get {@code qemu+ssh://<name>.test/system} and tests route it to their node.
   */
  static final Map<String, String> ROUTES = new java.util.concurrent.ConcurrentHashMap<>();

  /** A KVMCluster entry for host {@code name}, whose KVMHost {@link #cluster} makes reach {@code backendUri}. */
  static HostEntry host(String name, String backendUri) {
    return new HostEntry(name, backendUri);
  }

  record HostEntry(String name, String backendUri) {
    String adminUri() {
      return "qemu+ssh://" + name + ".test/system";
    }

    KVMClusterHost entry() {
      KVMClusterHost h = new KVMClusterHost();
      h.setName(name);
      return h;
    }
  }

  /** Opens what a KVMHost URI is routed to (see {@link #ROUTES}). */
  static java.util.function.Function<String, io.capkit.provider.libvirt.LibvirtBackend> routed(
      java.util.function.Function<String, io.capkit.provider.libvirt.LibvirtBackend> opener) {
    return uri -> opener.apply(ROUTES.getOrDefault(uri, uri));
  }

  /**
   * The admins' KVMHost {@code name} (cluster-scoped, shared by the test classes on this API server): created, or
   * pointed at {@code uri} and opened to this namespace as well. Pool and network "default", the test node's base
   * image, /srv/data shared read-only and /srv/etcd writable.
   */
  void kvmHost(String name, String uri) {
    KVMHost h = client.resources(KVMHost.class).withName(name).get();
    List<String> allowed = new java.util.ArrayList<>();
    if (h == null) {
      h = new KVMHost();
      h.setMetadata(new ObjectMetaBuilder().withName(name).build());
    } else if (h.getSpec() != null && h.getSpec().getAllowedNamespaces() != null
        && h.getSpec().getAllowedNamespaces().getList() != null) {
      allowed.addAll(h.getSpec().getAllowedNamespaces().getList());
    }
    // Everything but the namespaces is set again: another test may have pointed the shared host elsewhere.
    KVMHostSpec s = new KVMHostSpec();
    s.setStoragePool(TestPlans.POOL);
    s.setNetwork("default");
    // The test nodes' image and the embedded host's (the contract's default KVM_BASE_IMAGE).
    s.setBaseImages(List.of(TestDriver.BASE_IMAGE, "ubuntu-24.04-kubeadm.qcow2"));
    SharedDirectory data = new SharedDirectory();
    data.setPath("/srv/data");
    SharedDirectory etcd = new SharedDirectory();
    etcd.setPath("/srv/etcd");
    etcd.setWritable(true);
    s.setSharedDirectories(List.of(data, etcd));
    s.setAllowedNamespaces(new AllowedNamespaces());
    s.getAllowedNamespaces().setList(allowed);
    h.setSpec(s);
    h.getSpec().setUri(uri);
    if (!allowed.contains(ns)) {
      allowed.add(ns);
    }
    h.getMetadata().setResourceVersion(null);
    h.getMetadata().setManagedFields(null);
    // Forced: other test classes on this API server write the same shared host with other field managers.
    client.resource(h).fieldManager("capkit-test-fixture").forceConflicts().serverSideApply();
  }

  /** The namespace, a Cluster (infrastructure provisioned unless paused) and a KVMCluster with these hosts. */
  CapiFixture cluster(List<HostEntry> hosts, boolean paused) {
    if (hosts.isEmpty()) {
      kvmHost("default", "test:///default");
    }
    for (HostEntry h : hosts) {
      ROUTES.put(h.adminUri(), h.backendUri());
      kvmHost(h.name(), h.adminUri());
    }
    return clusterOn(hosts.stream().map(HostEntry::entry).toList(), paused);
  }

  /** As {@link #cluster}, with KVMHosts that exist already (left as they are). */
  CapiFixture clusterOn(List<KVMClusterHost> hosts, boolean paused) {
    if (client.namespaces().withName(ns).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    GenericKubernetesResource c = new GenericKubernetesResource();
    c.setApiVersion("cluster.x-k8s.io/v1beta2");
    c.setKind("Cluster");
    c.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(CLUSTER).build());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("infrastructureRef", Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMCluster",
        "name", CLUSTER));
    if (paused) {
      spec.put("paused", true);
    }
    c.setAdditionalProperty("spec", spec);
    c = client.genericKubernetesResources(CLUSTERS).inNamespace(ns).resource(c).create();
    c.setAdditionalProperty("status", Map.of("initialization", Map.of("infrastructureProvisioned", true)));
    client.genericKubernetesResources(CLUSTERS).inNamespace(ns).resource(c).updateStatus();
    KVMCluster kc = new KVMCluster();
    kc.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(CLUSTER)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("cluster.x-k8s.io/v1beta2").withKind("Cluster")
            .withName(CLUSTER).withUid(c.getMetadata().getUid()).build()).build());
    KVMClusterSpec s = new KVMClusterSpec();
    ApiEndpoint ep = new ApiEndpoint();
    ep.setHost("api." + CLUSTER + ".example.org");
    ep.setPort(6443);
    s.setControlPlaneEndpoint(ep);
    s.setHosts(hosts.isEmpty() ? null : hosts);
    kc.setSpec(s);
    client.resources(KVMCluster.class).inNamespace(ns).resource(kc).create();
    return this;
  }

  void editCluster(java.util.function.UnaryOperator<GenericKubernetesResource> edit) {
    client.genericKubernetesResources(CLUSTERS).inNamespace(ns).withName(CLUSTER).edit(edit);
  }

  void editKvmCluster(java.util.function.Consumer<KVMClusterSpec> edit) {
    client.resources(KVMCluster.class).inNamespace(ns).withName(CLUSTER).edit(kc -> {
      edit.accept(kc.getSpec());
      return kc;
    });
  }

  /** A Machine pointing at the KVMMachine of the same name; {@code secret} null means no bootstrap data yet. */
  GenericKubernetesResource machine(String name, String secret, String failureDomain) {
    GenericKubernetesResource m = new GenericKubernetesResource();
    m.setApiVersion("cluster.x-k8s.io/v1beta2");
    m.setKind("Machine");
    m.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name)
        .withLabels(Map.of(CapiObjects.CLUSTER_NAME_LABEL, CLUSTER)).build());
    m.setAdditionalProperty("spec", machineSpec(name, secret, failureDomain));
    return client.genericKubernetesResources(MACHINES).inNamespace(ns).resource(m).create();
  }

  static Map<String, Object> machineSpec(String name, String secret, String failureDomain) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("clusterName", CLUSTER);
    spec.put("bootstrap", secret == null
        ? Map.of("configRef", Map.of("apiGroup", "bootstrap.cluster.x-k8s.io", "kind", "KubeadmConfig", "name", name))
        : Map.of("dataSecretName", secret));
    spec.put("infrastructureRef", Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMMachine",
        "name", name));
    if (failureDomain != null) {
      spec.put("failureDomain", failureDomain);
    }
    return spec;
  }

  /** A KVMMachine owned by {@code owner} (none when null), labelled with the cluster name as CAPI does. */
  KVMMachine kvmMachine(String name, GenericKubernetesResource owner, java.util.function.Consumer<KVMMachine> adjust) {
    KVMMachine k = new KVMMachine();
    var meta = new ObjectMetaBuilder().withNamespace(ns).withName(name)
        .withLabels(Map.of(CapiObjects.CLUSTER_NAME_LABEL, CLUSTER));
    if (owner != null) {
      meta.withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("cluster.x-k8s.io/v1beta2")
          .withKind("Machine").withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).build());
    }
    k.setMetadata(meta.build());
    k.setSpec(TestPlans.spec());
    k.getSpec().getImage().setVolume(TestDriver.BASE_IMAGE);
    adjust.accept(k);
    return client.resources(KVMMachine.class).inNamespace(ns).resource(k).create();
  }

  KVMMachine kvmMachine(String name, GenericKubernetesResource owner) {
    return kvmMachine(name, owner, k -> { });
  }

  /** A bootstrap data Secret labelled with the cluster name, as CAPI bootstrap providers write it. */
  void secret(String name) {
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .withLabels(Map.of(CapiObjects.CLUSTER_NAME_LABEL, CLUSTER)).endMetadata()
        .withType("cluster.x-k8s.io/secret")
        .withData(Map.of("value", base64("#cloud-config\n"), "format", base64("cloud-config"))).build()).create();
  }

  KVMMachine get(String name) {
    return client.resources(KVMMachine.class).inNamespace(ns).withName(name).get();
  }

  /** {@code status/reason/message} of the Ready condition, or null. */
  String ready(String name) {
    KVMMachine k = get(name);
    if (k == null || k.getStatus() == null) {
      return null;
    }
    var c = Conditions.get(k.getStatus().getConditions(), Conditions.READY);
    return c == null ? null : c.getStatus() + "/" + c.getReason() + "/" + c.getMessage();
  }

  boolean provisioned(String name) {
    KVMMachine k = get(name);
    return k != null && k.getStatus() != null && k.getStatus().getInitialization() != null
        && Boolean.TRUE.equals(k.getStatus().getInitialization().getProvisioned());
  }

  List<Event> events(String object, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> object.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
  }

  /**
   * Waits up to 60 s. Waiting for bootstrap data resyncs only every 5 minutes, so a wait that ends here was ended by
   * a watch event.
   */
  static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    await(what, condition, Duration.ofSeconds(60));
  }

  static void await(String what, Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
