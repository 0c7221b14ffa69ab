package io.capkit.demo;

import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.provider.runtime.KvmProvider;
import io.capkit.provider.runtime.ProviderConfig;
import io.capkit.testsupport.BaseImage;
import io.capkit.testsupport.CrdSources;
import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.PhoneHome;
import io.capkit.testsupport.RealBootHost;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The optional last step of {@code make demo} with {@code --real-boot} ({@code CAPKIT_DEMO_REAL_BOOT=1 make demo}):
 * one KVMMachine provisioned by the provider on this machine's real libvirtd + QEMU, booting the project's Debian base
 * image; prints what the guest reports back (instance-id, hostname, bootstrap marker, mounts), its address and the
 * boot time, then deletes the machine and shows that nothing of it is left on the host. Needs
 * hack/ensure-libvirtd.sh and hack/ensure-base-image.sh (make runs both through hack/ensure-all.sh) and root.
 */
public final class RealBootDemo {
  /** The guest's report must arrive within this (TCG boots take one to two minutes on two shared cores). */
  static final Duration BOOT_TIMEOUT = Duration.ofMinutes(8);
  /** Unique per run: the domain name derives from it, and another checkout may boot on the same libvirtd. */
  private static final String NS = "real-boot-demo-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String CLUSTER = "demo";
  private static final String MACHINE = "demo-vm-1";
  private static final ResourceDefinitionContext CLUSTERS = context("Cluster", "clusters");
  private static final ResourceDefinitionContext MACHINES = context("Machine", "machines");

  /** What the guest said and what the host looked like afterwards. */
  public record Report(String platform, Map<String, String> phoneHome, Map<String, String> marker,
      String address, Duration boot, List<String> leftovers) {}

  private final Path root;
  private final PrintWriter out;

  public RealBootDemo(Path repoRoot, PrintWriter out) {
    this.root = repoRoot;
    this.out = out;
  }

  public Report run() throws Exception {
    step("real boot 1/3: base image and hypervisor host (" + RealBootHost.URI + ")");
    BaseImage image = BaseImage.ensure(root);
    printf("base image %s (%s)%n", image.qcow2(), image.summary());
    String pool = "capkit-demo-" + UUID.randomUUID().toString().substring(0, 8);
    MachineIdentity id = MachineIdentity.of(NS, MACHINE);
    try (RealBootHost host = RealBootHost.prepare(image, pool);
         PhoneHome phoneHome = PhoneHome.listen(host.networkAddress());
         EmbeddedApiServer api = new EmbeddedApiServer().start()) {
      printf("transient pool %s at %s; guests report to %s%n", pool, host.poolDirectory(), phoneHome.baseUrl());
      api.installCrds(CrdSources.all());
      KubernetesClient client = api.client();
      ProviderConfig config = new ProviderConfig(host.uri(), pool, RealBootHost.NETWORK, "127.0.0.1", 0, Set.of(NS),
          false, null, 4);
      try (LibvirtConnections connections = LibvirtConnections.jna();
           KvmProvider provider = KvmProvider.start(config, client, connections)) {
        step("real boot 2/3: a KVMMachine whose bootstrap data phones home");
        String marker = "capkit-demo-" + UUID.randomUUID().toString().substring(0, 8);
        createObjects(client, phoneHome.cloudConfig(marker));
        await("KVMMachine provisioned", Duration.ofMinutes(2), () -> provisioned(client));
        Instant started = Instant.now();
        KVMMachine k = kvmMachine(client);
        String platform = k.getStatus().getConditions().stream().filter(c -> c.getType().equals("DomainDefined"))
            .findFirst().map(io.fabric8.kubernetes.api.model.Condition::getMessage).orElse("?");
        printf("domain %s started: %s%nwaiting for the guest to boot and report (up to %d min) ...%n",
            id.domainName(), platform, BOOT_TIMEOUT.toMinutes());
        PhoneHome.Report home = phoneHome.await("/phone-home", r -> true, BOOT_TIMEOUT).orElseThrow(() ->
            new IllegalStateException("the guest did not report within " + BOOT_TIMEOUT.toMinutes() + " minutes; see "
                + host.poolDirectory().resolve(id.domainName() + "-console.log")));
        PhoneHome.Report mark = phoneHome.await("/marker", r -> true, Duration.ofSeconds(30)).orElseThrow(() ->
            new IllegalStateException("phone_home arrived but the bootstrap data's marker report did not"));
        Duration boot = Duration.between(started, home.at().isAfter(mark.at()) ? home.at() : mark.at());
        printf("guest report after %d s, from %s:%n", boot.toSeconds(), home.remoteAddress());
        printf("  phone_home   instance_id=%s hostname=%s%n", home.fields().get("instance_id"),
            home.fields().get("hostname"));
        printf("  bootstrap    marker=%s (sent %s)%n", mark.fields().get("marker"), marker);
        String mounts = mark.fields().getOrDefault("mounts", "");
        printf("  mounts       %s%n", String.join(" | ", java.util.Arrays.stream(mounts.split(";"))
            .filter(m -> m.startsWith("/ ") || m.startsWith("/var/")).toList()));
        await("status.addresses", Duration.ofMinutes(2), () -> kvmMachine(client).getStatus().getAddresses()
            .stream().anyMatch(a -> a.getType().equals("InternalIP")));
        String address = kvmMachine(client).getStatus().getAddresses().stream()
            .filter(a -> a.getType().equals("InternalIP")).findFirst().orElseThrow().getAddress();
        printf("KVMMachine %s/%s: providerID %s, status.addresses InternalIP %s (DHCP lease)%n", NS, MACHINE,
            kvmMachine(client).getSpec().getProviderID(), address);

        step("real boot 3/3: delete the KVMMachine");
        client.resources(KVMMachine.class).inNamespace(NS).withName(MACHINE).delete();
        await("KVMMachine deleted", Duration.ofMinutes(2), () -> kvmMachine(client) == null);
        List<String> leftovers = new java.util.ArrayList<>();
        host.domainNames().stream().filter(d -> d.equals(id.domainName())).forEach(d -> leftovers.add("domain " + d));
        host.poolFiles().stream().filter(f -> !f.equals(RealBootHost.BASE_VOLUME)).forEach(f -> leftovers.add(f));
        host.filesNaming(id.domainName()).forEach(f -> leftovers.add(f.toString()));
        printf("%s: guest reported %s; after deletion: %s%n", leftovers.isEmpty() ? "OK" : "INCOMPLETE",
            marker.equals(mark.fields().get("marker")) ? "its bootstrap marker" : "a WRONG marker",
            leftovers.isEmpty() ? "no domain, volume or file of the machine left on the host" : leftovers);
        return new Report(platform, home.fields(), mark.fields(), address, boot, List.copyOf(leftovers));
      } finally {
        host.forceRemove(id.domainName());
      }
    }
  }

  private static void createObjects(KubernetesClient client, String userData) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    GenericKubernetesResource cluster = client.genericKubernetesResources(CLUSTERS).inNamespace(NS)
        .resource(generic(Map.of("apiVersion", "cluster.x-k8s.io/v1beta2", "kind", "Cluster",
            "metadata", Map.of("name", CLUSTER, "namespace", NS),
            "spec", Map.of("infrastructureRef", Map.of("apiGroup", "infrastructure.cluster.x-k8s.io",
                "kind", "KVMCluster", "name", CLUSTER))))).create();
    cluster.setAdditionalProperty("status", Map.of("initialization", Map.of("infrastructureProvisioned", true)));
    client.genericKubernetesResources(CLUSTERS).inNamespace(NS).resource(cluster).updateStatus();
    client.resource(generic(Map.of("apiVersion", "infrastructure.cluster.x-k8s.io/v1alpha1", "kind", "KVMCluster",
        "metadata", Map.of("name", CLUSTER, "namespace", NS, "ownerReferences", List.of(owner(cluster))),
        "spec", Map.of("controlPlaneEndpoint", Map.of("host", "api.demo.example.org", "port", 6443))))).create();
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withNamespace(NS)
        .withName(MACHINE + "-bootstrap").withLabels(Map.of("cluster.x-k8s.io/cluster-name", CLUSTER)).endMetadata()
        .withType("cluster.x-k8s.io/secret").withData(Map.of("value", base64(userData),
            "format", base64("cloud-config"))).build()).create();
    GenericKubernetesResource machine = client.genericKubernetesResources(MACHINES).inNamespace(NS)
        .resource(generic(Map.of("apiVersion", "cluster.x-k8s.io/v1beta2", "kind", "Machine",
            "metadata", Map.of("name", MACHINE, "namespace", NS, "labels",
                Map.of("cluster.x-k8s.io/cluster-name", CLUSTER)),
            "spec", Map.of("clusterName", CLUSTER, "bootstrap", Map.of("dataSecretName", MACHINE + "-bootstrap"),
                "infrastructureRef", Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMMachine",
                    "name", MACHINE))))).create();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("cpus", 2);
    spec.put("memory", "1Gi");
    spec.put("image", Map.of("volume", RealBootHost.BASE_VOLUME));
    spec.put("volumes", Map.of("rootSizeGB", 4, "kubeletSizeGB", 1));
    client.resource(generic(Map.of("apiVersion", "infrastructure.cluster.x-k8s.io/v1alpha1", "kind", "KVMMachine",
        "metadata", Map.of("name", MACHINE, "namespace", NS, "labels", Map.of("cluster.x-k8s.io/cluster-name", CLUSTER),
            "ownerReferences", List.of(owner(machine))),
        "spec", spec))).create();
  }

  private static Map<String, Object> owner(GenericKubernetesResource o) {
    return Map.of("apiVersion", o.getApiVersion(), "kind", o.getKind(), "name", o.getMetadata().getName(),
        "uid", o.getMetadata().getUid());
  }

  private static boolean provisioned(KubernetesClient client) {
    KVMMachine k = kvmMachine(client);
    return k != null && k.getStatus() != null && k.getStatus().getInitialization() != null
        && Boolean.TRUE.equals(k.getStatus().getInitialization().getProvisioned());
  }

  private static KVMMachine kvmMachine(KubernetesClient client) {
    return client.resources(KVMMachine.class).inNamespace(NS).withName(MACHINE).get();
  }

  private static void await(String what, Duration timeout, Supplier<Boolean> done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Boolean.TRUE.equals(done.get())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  private static GenericKubernetesResource generic(Map<String, Object> object) {
    return Serialization.unmarshal(Serialization.asJson(object), GenericKubernetesResource.class);
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup("cluster.x-k8s.io").withVersion("v1beta2")
        .withKind(kind).withPlural(plural).withNamespaced(true).build();
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private void step(String title) {
    printf("%n== %s%n", title);
  }

  private void printf(String format, Object... args) {
    out.printf(Locale.ROOT, format, args);
    out.flush();
  }
}
