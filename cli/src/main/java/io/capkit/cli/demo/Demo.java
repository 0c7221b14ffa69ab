package io.capkit.cli.demo;

import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.runtime.KvmProvider;
import io.capkit.provider.runtime.ProviderConfig;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.RenderResult;
import io.capkit.renderer.RenderedCluster;
import io.capkit.renderer.Renderer;
import io.capkit.testsupport.CrdSources;
import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.testsupport.ServerSideApply;
import io.capkit.webhook.WebhookConfig;
import io.capkit.webhook.WebhookServer;
import io.capkit.webhook.admission.InformerReleaseLookup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * capkit's whole loop on the embedded defaults: render the example fleet, apply it to a real kube-apiserver
 * through the real HTTPS admission webhook, then play the part of CAPI's controllers (Machines, bootstrap
 * Secrets, infrastructure-provisioned) while the KVM provider reconciles against libvirt's test:///default.
 */
public final class Demo {
  private static final String LIBVIRT_URI = "test:///default";
  private static final Duration PROVISION_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration RELEASE_CACHE_TIMEOUT = Duration.ofSeconds(30);

  /** One KVMMachine after reconciliation. */
  public record MachineRow(String namespace, String name, String providerID, String addresses, String conditions,
                           boolean provisioned) {}

  /** What the demo did, for the summary and for the end-to-end test. */
  public record Report(int clusters, int objectsApplied, int variablesDefaulted, String denial,
                       List<MachineRow> machines, List<String> domains) {
    public boolean allProvisioned() {
      return !machines.isEmpty() && machines.stream().allMatch(MachineRow::provisioned);
    }
  }

  private final Path root;
  private final PrintWriter out;

  public Demo(Path repoRoot, PrintWriter out) {
    this.root = repoRoot;
    this.out = out;
  }

  public Report run() throws Exception {
    step("1/5 render fleet-repo-example with releases/");
    SourceTree fleet = DirectoryTree.open(root.resolve("fleet-repo-example"));
    SourceTree releases = DirectoryTree.open(root.resolve("releases"));
    RenderResult rendered = Renderer.standard().render(fleet, "fleet-repo-example", releases, "releases");
    printf("%-28s %-8s %-10s %-4s %-7s %s%n", "CLUSTER", "RELEASE", "KUBERNETES", "CP", "WORKERS", "OBJECTS");
    for (RenderedCluster c : rendered.clusters()) {
      printf("%-28s %-8s %-10s %-4s %-7s %d%n", c.source().key(), c.release().name(), c.release().kubernetesVersion(),
          c.variables().get("CONTROL_PLANE_MACHINE_COUNT"), c.variables().get("WORKER_MACHINE_COUNT"),
          c.objects().size() + c.sources().size());
      c.warnings().forEach(w -> printf("  warning: %s%n", w));
    }

    step("2/5 start kube-apiserver + etcd and install CRDs");
    Path work = Files.createTempDirectory("capkit-demo");
    try (EmbeddedApiServer api = new EmbeddedApiServer().start();
         LibvirtConnections libvirt = LibvirtConnections.jna()) {
      int crds = api.installCrds(CrdSources.all()).size();
      printf("kube-apiserver %s up in %d ms; %d CRDs established; RSS %d MiB%n", api.version(), api.startMillis(), crds,
          api.residentKib() / 1024);
      KubernetesClient client = api.client();

      step("3/5 start the admission webhook (HTTPS) and register it with the API server");
      SelfSignedCertificate cert = SelfSignedCertificate.generate("capkit-webhook");
      cert.writeTo(work.resolve("tls"));
      try (InformerReleaseLookup lookup = new InformerReleaseLookup(client);
           WebhookServer webhook = WebhookServer.start(new WebhookConfig(work.resolve("tls/tls.crt"),
               work.resolve("tls/tls.key"), 0, "127.0.0.1", Duration.ofSeconds(5), 4, WebhookConfig.DEFAULT_MAX_BODY),
               lookup)) {
        int hooks = WebhookRegistration.register(client, root.resolve("webhook/config/webhooks.yaml"),
            "https://127.0.0.1:" + webhook.port(), cert.certPem());
        printf("webhook on https://127.0.0.1:%d, %d webhooks registered (failurePolicy: Fail)%n", webhook.port(), hooks);

        step("4/5 apply releases, WorkloadClusters and rendered manifests (server-side apply, admitted by the webhook)");
        ServerSideApply ssa = new ServerSideApply(client, "capkit-demo");
        int applied = 0;
        List<String> releaseNames = new ArrayList<>();
        for (String file : releases.files()) {
          if (file.endsWith("/release.yaml")) {
            GenericKubernetesResource r = ssa.apply(YamlDocuments.loadOne(file,
                new String(releases.read(file).orElseThrow(), StandardCharsets.UTF_8)), false);
            releaseNames.add(r.getMetadata().getName());
            applied++;
          }
        }
        // The webhook admits a WorkloadCluster only once its informer cache holds the release it names.
        long deadline = System.nanoTime() + RELEASE_CACHE_TIMEOUT.toNanos();
        while (!releaseNames.stream().allMatch(n -> lookup.find(n).isPresent()) && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        Set<String> namespaces = new TreeSet<>();
        rendered.clusters().forEach(c -> c.objects().forEach(o -> namespaces.add(o.namespace())));
        namespaces.forEach(ns -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
            .endMetadata().build()).serverSideApply());
        int defaulted = 0;
        for (RenderedCluster c : rendered.clusters()) {
          Map<String, Object> wc = YamlDocuments.loadOne(c.source().file(),
              new String(fleet.read(c.source().path()).orElseThrow(), StandardCharsets.UTF_8));
          @SuppressWarnings("unchecked")
          Map<String, Object> meta = (Map<String, Object>) wc.get("metadata");
          meta.put("namespace", c.source().namespace());
          int before = variables(wc).size();
          GenericKubernetesResource back = ssa.apply(wc, false);
          defaulted += variables(back.getAdditionalProperties()).size() - before;
          applied++;
        }
        Map<String, Integer> byKind = new TreeMap<>();
        List<RenderedCluster> admitted = new ArrayList<>();
        List<String> denials = new ArrayList<>();
        for (RenderedCluster c : rendered.clusters()) {
          List<KubeObject> all = new ArrayList<>(c.sources());
          all.addAll(c.objects());
          try {
            for (KubeObject o : all) {
              ssa.apply(o.document(), true);
              ssa.apply(o.document(), false);
              byKind.merge(o.kind(), 1, Integer::sum);
              applied++;
            }
            admitted.add(c);
          } catch (KubernetesClientException e) {
            denials.add(c.source().key() + ": " + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()));
          }
        }
        printf("applied %d objects (dry run first, then for real): %s%n", applied, byKind);
        printf("the mutating webhook filled %d contract defaults into the WorkloadClusters; API warnings: %d%n",
            defaulted, api.warnings().size());
        denials.forEach(d -> printf("denied by the webhook: %s%n", d));
        String denial = denyOne(client, rendered.clusters().get(0));
        printf("denied by the webhook (a hand-written WorkloadCluster that breaks the contract): %s%n", denial);

        step("5/5 run the KVM provider against " + LIBVIRT_URI + " and create Machines as CAPI would");
        // test:///default is the provider's embedded host: pool and network "default" with the default base image.
        LibvirtBackend backend = libvirt.get(LIBVIRT_URI);
        ProviderConfig config = ProviderConfig.defaults().withLibvirtUri(LIBVIRT_URI).withHttp("127.0.0.1", 0);
        try (KvmProvider provider = KvmProvider.start(config, client, libvirt)) {
          CapiStandIn capi = new CapiStandIn(client);
          int machines = 0;
          for (RenderedCluster c : admitted) {
            machines += capi.createMachines(c);
          }
          printf("created %d Machines with bootstrap Secrets and KVMMachines from the rendered templates%n", machines);
          if (capi.skippedMachines() > 0) {
            printf("skipped %d Metal3/BYOH machines (metal3, kvm-metal3, byoh-metal3, kamaji-metal3 flavors): the demo has "
                + "no bare-metal or BYO hosts; their objects were applied above against the upstream CRDs%n",
                capi.skippedMachines());
          }
          List<MachineRow> rows = capi.awaitProvisioned(PROVISION_TIMEOUT, this::progress);
          printf("%n%-10s %-36s %-52s %-18s %s%n", "NAMESPACE", "KVMMACHINE", "PROVIDER ID", "ADDRESSES", "CONDITIONS");
          for (MachineRow r : rows) {
            printf("%-10s %-36s %-52s %-18s %s%n", r.namespace(), r.name(), r.providerID(), r.addresses(), r.conditions());
          }
          List<String> domains = new ArrayList<>(backend.listDomains());
          domains.sort(null);
          printf("%nlibvirt %s: %d domains%n", LIBVIRT_URI, domains.size());
          domains.stream().limit(8).forEach(d -> printf("  %s%n", d));
          if (domains.size() > 8) {
            printf("  … and %d more%n", domains.size() - 8);
          }
          Report report = new Report(rendered.clusters().size(), applied, defaulted, denial, rows, domains);
          printf("%n%s: %d clusters rendered, %d objects applied, %d/%d machines provisioned%n",
              report.allProvisioned() ? "OK" : "INCOMPLETE", report.clusters(), applied,
              rows.stream().filter(MachineRow::provisioned).count(), rows.size());
          return report;
        }
      }
    }
  }

  /** A WorkloadCluster that breaks the contract, to show a denial with its field paths. */
  private static String denyOne(KubernetesClient client, RenderedCluster any) {
    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("apiVersion", "fleet.capkit.io/v1alpha1");
    bad.put("kind", "WorkloadCluster");
    bad.put("metadata", Map.of("name", "broken", "namespace", any.source().namespace()));
    bad.put("spec", Map.of("release", any.release().name(), "controlPlaneEndpoint", Map.of("host", "broken.example.com", "port", 6443),
        "variables", Map.of("CONTROL_PLANE_MACHINE_COUNT", 2, "POD_IP_RANGE", "10.96.0.0/12", "SERVICE_IP_RANGE", "10.96.0.0/16")));
    try {
      client.resource(Serialization.unmarshal(Serialization.asJson(bad), GenericKubernetesResource.class)).create();
      return null;
    } catch (KubernetesClientException e) {
      return e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage();
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> variables(Map<String, Object> object) {
    Object spec = object.get("spec");
    Object vars = spec instanceof Map<?, ?> m ? m.get("variables") : null;
    return vars instanceof Map<?, ?> v ? (Map<String, Object>) v : Map.of();
  }

  private void progress(String line) {
    printf("  %s%n", line);
  }

  private void step(String title) {
    printf("%n== %s%n", title);
  }

  private void printf(String format, Object... args) {
    out.printf(Locale.ROOT, format, args);
    out.flush();
  }
}
