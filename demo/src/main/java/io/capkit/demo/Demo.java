package io.capkit.demo;

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
import io.capkit.testsupport.WebhookConfigurations;
import io.capkit.testsupport.capi.CapiControllers;
import io.capkit.testsupport.capi.StandInWorkloadClusters;
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
 * capkit's whole loop on the embedded defaults, with the real Cluster API managers: render a fleet, apply it to a
 * real kube-apiserver through capkit's HTTPS admission webhook (and CAPI's own webhooks), and let CAPI's core,
 * kubeadm bootstrap and kubeadm control-plane managers drive capkit's KVM provider against libvirt's
 * test:///default. Where the simulation ends (test-driver domains never boot), stand-in workload API servers play
 * the booted machines, so KCP sees its control plane initialised and the workers join and run.
 */
public final class Demo {
  private static final String LIBVIRT_URI = "test:///default";
  private static final Duration RELEASE_CACHE_TIMEOUT = Duration.ofSeconds(30);

  /** What to run: the example fleet, or {@code generatedClusters} generated kvm clusters, and how long to wait. */
  public record Options(int generatedClusters, Duration timeout) {
    public static Options exampleFleet() {
      return new Options(0, Duration.ofMinutes(6));
    }
  }

  /** What the demo did, read back from the API server and libvirt. */
  public record Report(int clusters, int objectsApplied, int variablesDefaulted, String denial,
                       List<MachineTimeline.Row> machines, List<String> domains, Duration firstControlPlaneProvisioned,
                       Duration allWorkersRunning, int kvmClusters, int expectedWorkers, String capiVersion) {
    public List<MachineTimeline.Row> workers() {
      return machines.stream().filter(m -> !m.controlPlane()).toList();
    }

    /** Every kvm cluster has a control-plane Machine Running and every expected worker is Running. */
    public boolean complete() {
      return kvmClusters > 0 && firstControlPlaneProvisioned != null && allWorkersRunning != null;
    }
  }

  private final Path root;
  private final PrintWriter out;
  private final Options options;

  public Demo(Path repoRoot, PrintWriter out, Options options) {
    this.root = repoRoot;
    this.out = out;
    this.options = options;
  }

  public Report run() throws Exception {
    SourceTree releases = DirectoryTree.open(root.resolve("releases"));
    DemoFleet fleet = options.generatedClusters() > 0 ? DemoFleet.generated(options.generatedClusters(), "v1.1.0")
        : DemoFleet.example(root);
    step("1/6 render " + fleet.name() + " with releases/");
    RenderResult rendered = Renderer.standard().render(fleet.tree(), fleet.name(), releases, "releases");
    printf("%-28s %-8s %-10s %-13s %-4s %-7s %-18s %s%n", "CLUSTER", "RELEASE", "KUBERNETES", "FLAVOR", "CP", "WORKERS",
        "ENDPOINT", "OBJECTS");
    for (RenderedCluster c : rendered.clusters()) {
      printf("%-28s %-8s %-10s %-13s %-4s %-7s %-18s %d%n", c.source().key(), c.release().name(),
          c.release().kubernetesVersion(), flavor(c), c.variables().get("CONTROL_PLANE_MACHINE_COUNT"),
          c.variables().get("WORKER_MACHINE_COUNT"), fleet.endpoints().getOrDefault(c.source().path(), "-"),
          c.objects().size() + c.sources().size());
      c.warnings().forEach(w -> printf("  warning: %s%n", w));
    }
    if (!fleet.endpoints().isEmpty()) {
      printf("(the endpoints of clusters whose control plane runs on KVM machines were moved to loopback addresses, "
          + "where the stand-in workload API server answers once the first control-plane machine is provisioned)%n");
    }

    step("2/6 start kube-apiserver + etcd and install CRDs");
    Path work = Files.createTempDirectory("capkit-demo");
    try (EmbeddedApiServer api = new EmbeddedApiServer().start();
         LibvirtConnections libvirt = LibvirtConnections.jna()) {
      int crds = api.installCrds(CrdSources.all()).size();
      printf("kube-apiserver %s up in %d ms; %d CRDs established; RSS %d MiB%n", api.version(), api.startMillis(), crds,
          api.residentKib() / 1024);
      KubernetesClient client = api.client();

      step("3/6 start capkit's admission webhook and the Cluster API managers (core, kubeadm bootstrap, kubeadm "
          + "control plane)");
      SelfSignedCertificate cert = SelfSignedCertificate.generate("capkit-webhook");
      cert.writeTo(work.resolve("tls"));
      long capiStart = System.nanoTime();
      try (InformerReleaseLookup lookup = new InformerReleaseLookup(client);
           WebhookServer webhook = WebhookServer.start(new WebhookConfig(work.resolve("tls/tls.crt"),
               work.resolve("tls/tls.key"), 0, "127.0.0.1", Duration.ofSeconds(5), 4, WebhookConfig.DEFAULT_MAX_BODY),
               lookup);
           CapiControllers capi = CapiControllers.start(api, work.resolve("capi"));
           StandInWorkloadClusters workloads = StandInWorkloadClusters.start(client, work.resolve("workloads"))) {
        Path manifests = root.resolve("webhook/config/webhooks.yaml");
        WebhookConfigurations.registerByUrl(client, manifests, "https://127.0.0.1:" + webhook.port(), cert.certPem(), "",
            "capkit-demo");
        printf("capkit webhook on https://127.0.0.1:%d, %d webhooks registered (failurePolicy: Fail)%n", webhook.port(),
            WebhookConfigurations.countWebhooks(manifests));
        printf("Cluster API %s: capi-manager, kubeadm-bootstrap-manager, kubeadm-control-plane-manager ready in %.1f s "
            + "(built from sigs.k8s.io/cluster-api by hack/ensure-capi.sh); %d webhook configurations registered%n",
            capi.version(), seconds(System.nanoTime() - capiStart), capi.webhookConfigurations().size());
        printf("logs: %s%n", work.resolve("capi"));

        step("4/6 apply releases, WorkloadClusters and rendered manifests (server-side apply, admitted by the "
            + "webhooks)");
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
          Map<String, Object> wc = YamlDocuments.loadOne(c.source().file(), DemoFleet.read(fleet.tree(), c.source().path()));
          @SuppressWarnings("unchecked")
          Map<String, Object> meta = (Map<String, Object>) wc.get("metadata");
          meta.put("namespace", c.source().namespace());
          // The object in the API carries what the fleet's layers gave the cluster (management-cluster and
          // organization defaults under its own values): the webhook holds it to the same rules render applied.
          Map<String, Object> layered = new LinkedHashMap<>();
          c.variables().entries().forEach((name, v) -> {
            if (!v.from().name().equals("contract") && !v.from().name().equals("derived")) {
              layered.put(name, variables(wc).getOrDefault(name, v.value()));
            }
          });
          if (!layered.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> wcSpec = (Map<String, Object>) wc.computeIfAbsent("spec", k -> new LinkedHashMap<>());
            wcSpec.put("variables", layered);
          }
          int before = variables(wc).size();
          GenericKubernetesResource back = ssa.apply(wc, false);
          defaulted += variables(back.getAdditionalProperties()).size() - before;
          applied++;
        }

        step("5/6 run the KVM provider against " + LIBVIRT_URI + "; CAPI creates the Machines");
        // test:///default is the provider's embedded host: pool and network "default" with the default base image.
        LibvirtBackend backend = libvirt.get(LIBVIRT_URI);
        ProviderConfig config = ProviderConfig.defaults().withLibvirtUri(LIBVIRT_URI).withHttp("127.0.0.1", 0);
        try (KvmProvider provider = KvmProvider.start(config, client, libvirt)) {
          Map<String, Integer> byKind = new TreeMap<>();
          List<RenderedCluster> admitted = new ArrayList<>();
          List<String> denials = new ArrayList<>();
          long applyStart = System.nanoTime();
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
          long applied0 = System.nanoTime();
          printf("applied %d objects in %.1f s (dry run first, then for real): %s%n", applied,
              seconds(applied0 - applyStart), byKind);
          printf("the mutating webhook filled %d contract defaults into the WorkloadClusters; API warnings: %d%n",
              defaulted, api.warnings().size());
          denials.forEach(d -> printf("denied by the webhook: %s%n", d));
          String denial = denyOne(client, rendered.clusters().get(0));
          printf("denied by the webhook (a hand-written WorkloadCluster that breaks the contract): %s%n", denial);

          List<MachineTimeline.Cluster> kvm = new ArrayList<>();
          for (RenderedCluster c : admitted) {
            if (fleet.endpoints().containsKey(c.source().path())) {
              workloads.watch(c.source().namespace(), c.source().name());
              kvm.add(new MachineTimeline.Cluster(c.source().namespace(), c.source().name(),
                  ((Number) c.variables().get("CONTROL_PLANE_MACHINE_COUNT")).intValue(), kvmWorkers(c)));
            }
          }
          workloads.onEvent(line -> printf("  %s%n", line));
          printf("CAPI reconciles %d clusters whose control plane runs on KVM machines; the others (Metal3, BYOH, "
              + "Kamaji) wait for providers this demo does not run%n", kvm.size());

          step("6/6 watch the Machines: KCP creates the first control-plane machine, CABPK its bootstrap data, the "
              + "provider provisions it; kubeadm init (stand-in) initialises the control plane; workers join");
          MachineTimeline timeline = new MachineTimeline(client, kvm, applied0);
          MachineTimeline.Result result = timeline.await(options.timeout(), line -> printf("  %s%n", line));
          printf("%n%-10s %-34s %-6s %-12s %-50s %-8s %-12s %s%n", "NAMESPACE", "MACHINE", "ROLE", "PHASE",
              "PROVIDER ID", "FD", "PROVISIONED", "RUNNING");
          for (MachineTimeline.Row r : result.rows()) {
            printf("%-10s %-34s %-6s %-12s %-50s %-8s %-12s %s%n", r.namespace(), r.name(), r.controlPlane() ? "cp"
                : "worker", r.phase(), r.providerID().isEmpty() ? "-" : r.providerID(),
                r.failureDomain().isEmpty() ? "-" : r.failureDomain(), MachineTimeline.format(r.provisioned()),
                MachineTimeline.format(r.running()));
          }
          printf("(times count from the end of the apply)%n");
          result.notes().forEach(n -> printf("%s%n", n));
          printf("KCP adds further control-plane machines only once its etcd and control-plane pod health checks pass "
              + "through the workload cluster, which a stand-in cannot answer: each cluster holds at its first.%n");
          workloads.errors().forEach(e -> printf("stand-in error: %s%n", e));
          List<String> domains = new ArrayList<>(backend.listDomains());
          domains.sort(null);
          printf("%nlibvirt %s: %d domains%n", LIBVIRT_URI, domains.size());
          domains.stream().limit(8).forEach(d -> printf("  %s%n", d));
          if (domains.size() > 8) {
            printf("  … and %d more%n", domains.size() - 8);
          }
          Report report = new Report(rendered.clusters().size(), applied, defaulted, denial, result.rows(), domains,
              result.firstControlPlaneProvisioned(), result.allWorkersRunning(), kvm.size(), result.expectedWorkers(),
              capi.version());
          printf("%n%s: %d clusters rendered, %d objects applied; CAPI %s: first control-plane Machine Provisioned "
              + "%s after apply, %d/%d workers Running %s%n", report.complete() ? "OK" : "INCOMPLETE",
              report.clusters(), applied, capi.version(), MachineTimeline.format(result.firstControlPlaneProvisioned()),
              result.rows().stream().filter(r -> !r.controlPlane() && r.running() != null).count(),
              result.expectedWorkers(), result.allWorkersRunning() == null ? "(not all)"
                  : MachineTimeline.format(result.allWorkersRunning()) + " after apply");
          return report;
        }
      }
    }
  }

  /** Workers a kvm cluster's MachineDeployments ask for, when their machines are KVM machines. */
  @SuppressWarnings("unchecked")
  private static int kvmWorkers(RenderedCluster c) {
    int n = 0;
    for (KubeObject o : c.objects()) {
      if (o.kind().equals("MachineDeployment")) {
        Map<String, Object> spec = (Map<String, Object>) o.document().get("spec");
        Map<String, Object> t = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
        Object kind = ((Map<String, Object>) t.get("infrastructureRef")).get("kind");
        if ("KVMMachineTemplate".equals(kind)) {
          n += ((Number) spec.get("replicas")).intValue();
        }
      }
    }
    return n;
  }

  private static String flavor(RenderedCluster c) {
    String f = c.source().cluster().getSpec() == null ? null : c.source().cluster().getSpec().getFlavor();
    return f == null ? "kvm" : f;
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

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private void step(String title) {
    printf("%n== %s%n", title);
  }

  private void printf(String format, Object... args) {
    synchronized (out) {
      out.printf(Locale.ROOT, format, args);
      out.flush();
    }
  }
}
