package io.capkit.bench.provider;

import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.infra.BaseImage;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterSpec;
import io.capkit.api.infra.AllowedNamespaces;
import io.capkit.api.infra.KVMClusterHost;
import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.api.infra.MachineVolumes;
import io.capkit.bench.BenchHost;
import io.capkit.bench.ProviderReadiness;
import io.capkit.bench.ResultsSection;
import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.machine.CapiObjects;
import io.capkit.provider.machine.HostTarget;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.provider.machine.MachinePlan;
import io.capkit.provider.machine.MachinePlanner;
import io.capkit.provider.machine.MachineProvisioner;
import io.capkit.provider.machine.SeedDocuments;
import io.capkit.testsupport.CrdSources;
import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.LibvirtTestNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long the KVM provider takes to provision N KVMMachines, against its floor cost. The provider runs in its own
 * JVM, started as the Deployment's image starts it ({@code java <the Deployment's options> -jar capkit.jar provider
 * run}, {@link ProviderDeployment#imageEntryPoint()}) against an embedded kube-apiserver + etcd started here; N Machines, bootstrap Secrets and
 * KVMMachines are created as CAPI would, in one cluster whose KVMCluster has H hosts, each its own libvirt
 * test-driver node. Measured: creation of the first object until every KVMMachine reports
 * {@code status.initialization.provisioned=true}, reconciles per second (from the provider's metrics) and the
 * provider process's peak RSS. The peer, measured in the same run, creates the same N machines directly through the
 * libvirt bindings, sequentially, without Kubernetes.
 *
 * <p>{@code ProvisionBench [--machines N] [--hosts H] [--reconcile-threads T] [--xmx SIZE] [--jvm FLAGS] [--java PATH]
 * [--results FILE]}: JVM options and threads default to the provider Deployment's ({@link ProviderDeployment}).
 */
public final class ProvisionBench {
  static final String NAMESPACE = "bench";
  static final String CLUSTER = "bench";
  static final String POOL = "default";
  static final String BASE_IMAGE = LibvirtTestNode.BASE_IMAGE;
  static final ResourceDefinitionContext MACHINES = new ResourceDefinitionContext.Builder()
      .withGroup("cluster.x-k8s.io").withVersion("v1beta2").withKind("Machine").withPlural("machines")
      .withNamespaced(true).build();
  static final ResourceDefinitionContext CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup("cluster.x-k8s.io").withVersion("v1beta2").withKind("Cluster").withPlural("clusters")
      .withNamespaced(true).build();

  /** Machines whose objects the harness has on the wire at once (pipelined on the client's connection pool). */
  static final int MACHINES_IN_FLIGHT = 32;
  /** How the provider's Deployment runs it (provider/config/manager.yaml): the bench starts it the same way. */
  static final ProviderDeployment DEPLOYMENT = ProviderDeployment.read();

  record Options(int machines, int hosts, String xmx, int threads, String jvm, String java, Path results) {
    static Options parse(String[] args) {
      int machines = 500;
      int hosts = 4;
      String xmx = null;
      int threads = DEPLOYMENT.reconcileThreads();
      String jvm = DEPLOYMENT.javaToolOptions();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path results = null;
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--machines" -> machines = Integer.parseInt(v);
          case "--hosts" -> hosts = Integer.parseInt(v);
          case "--xmx" -> xmx = v;
          case "--reconcile-threads" -> threads = Integer.parseInt(v);
          case "--results" -> results = Path.of(v);
          case "--jvm" -> jvm = v;
          case "--java" -> java = v;
          default -> throw new IllegalArgumentException(args[i] + ": not a flag of ProvisionBench");
        }
        i++;
      }
      return new Options(machines, hosts, xmx, threads, jvm, java, results);
    }
  }

  record ProviderRun(long millis, long createMillis, long reconciles, long peakRssKib, Map<String, Integer> perHost,
      double providerCpuSeconds, double apiServerCpuSeconds, double harnessCpuSeconds, Map<String, Long> writes,
      Map<String, Long> reads, Map<String, Long> byProvider, Map<String, Double> cpuByThreadKind, Floor floor) {}

  /**
   * The same objects created in a namespace nobody reconciles, just before the measured run: what the harness and the
   * API server cost without a provider (the provider's CPU then is its idle cost).
   */
  record Floor(long millis, double apiServerCpuSeconds, double harnessCpuSeconds, double providerCpuSeconds) {}

  /** Issue 18's targets for this benchmark. */
  static final double TARGET_SECONDS = 8;
  static final long TARGET_RSS_MIB = 160;
  static final double TARGET_RATIO = 3;

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Path work = Files.createTempDirectory("capkit-provision-bench");
    String loadBefore = loadAverage();
    ProviderRun provider;
    String apiVersion;
    try (EmbeddedApiServer api = new EmbeddedApiServer().start()) {
      apiVersion = api.version();
      Path crds = CrdSources.capkitCrds();
      Path capi = CrdSources.upstream("capi");
      api.installCrds(List.of(crds.resolve("infrastructure.cluster.x-k8s.io_kvmclusters.yaml"),
          crds.resolve("infrastructure.cluster.x-k8s.io_kvmmachines.yaml"),
          crds.resolve("infrastructure.cluster.x-k8s.io_kvmhosts.yaml"),
          capi.resolve("cluster.x-k8s.io_machines.yaml"), capi.resolve("cluster.x-k8s.io_clusters.yaml")));
      provider = runProvider(o, api, work, ProviderDeployment.imageEntryPoint());
    }
    DirectRun direct = runDirect(o, work);
    String report = report(o, provider, direct, apiVersion, loadBefore, loadAverage());
    System.out.print(report);
    if (o.results() != null) {
      ResultsSection.write(o.results(), "KVM provider", "## KVM provider\n\n" + report);
      System.out.println("wrote the \"KVM provider\" section of " + o.results());
    }
  }

  /** The provider started from the harness's class path ({@code ProviderMain}): bench/capi's provider-alone peer. */
  static ProviderRun runProvider(Options o, EmbeddedApiServer api, Path work) throws Exception {
    return runProvider(o, api, work, List.of("-cp", System.getProperty("java.class.path"),
        "io.capkit.provider.runtime.ProviderMain"));
  }

  /**
   * The provider in its own JVM, its kubeconfig written 0600 (it holds a client key); {@code entryPoint} is what follows
   * the JVM options on its command line (the class path and main class, or {@code -jar capkit.jar provider run}).
   */
  static ProviderRun runProvider(Options o, EmbeddedApiServer api, Path work, List<String> entryPoint)
      throws Exception {
    KubernetesClient client = api.client();
    Path kubeconfig = work.resolve("kubeconfig");
    Files.createFile(kubeconfig, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(kubeconfig, api.kubeconfigYaml());
    List<KVMHost> hosts = new ArrayList<>();
    for (int h = 0; h < o.hosts(); h++) {
      KVMHost host = new KVMHost();
      host.setMetadata(new ObjectMetaBuilder().withName("host-" + h).build());
      host.setSpec(admin(testNode(work.resolve("provider-host-" + h))));
      hosts.add(host);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of(o.java()));
    cmd.addAll(List.of(o.jvm().trim().split("\\s+")));
    if (o.xmx() != null) {
      cmd.add("-Xmx" + o.xmx()); // after the Deployment's own -Xmx: the last one counts
    }
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.addAll(entryPoint);
    cmd.addAll(List.of("--libvirt-uri", "test:///default", "--bind-address", "127.0.0.1", "--http-port", Integer.toString(port),
        "--namespace", NAMESPACE, "--reconcile-threads", Integer.toString(o.threads()),
        "--test-driver-dir", work.toAbsolutePath().toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(work.resolve("provider.log").toFile());
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("MALLOC_ARENA_MAX", DEPLOYMENT.mallocArenaMax());
    Process p = pb.start();
    RssSampler rss = new RssSampler(p.pid());
    try {
      HttpClient http = HttpClient.newHttpClient();
      waitReady(http, port, p, work);
      rss.start();
      setUpCluster(client, hosts);
      // Warm the harness's client (and the API server) in a namespace the provider does not watch, then measure the
      // floor: the same objects created there again with nobody reconciling them.
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE + "-warmup")
          .endMetadata().build()).create();
      createMachines(client, NAMESPACE + "-warmup", 100, "warm-");
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE + "-floor")
          .endMetadata().build()).create();
      double floorApi0 = apiServerCpuSeconds();
      double floorHarness0 = cpuSeconds(ProcessHandle.current().pid());
      double floorProvider0 = cpuSeconds(p.pid());
      long f0 = System.nanoTime();
      createMachines(client, NAMESPACE + "-floor", o.machines(), "");
      Floor floor = new Floor(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f0),
          apiServerCpuSeconds() - floorApi0, cpuSeconds(ProcessHandle.current().pid()) - floorHarness0,
          cpuSeconds(p.pid()) - floorProvider0);

      CountDownLatch done = new CountDownLatch(o.machines());
      Set<String> seen = ConcurrentHashMap.newKeySet();
      var informer = client.resources(KVMMachine.class).inNamespace(NAMESPACE).inform(new ResourceEventHandler<>() {
        @Override
        public void onAdd(KVMMachine k) {
          check(k);
        }

        @Override
        public void onUpdate(KVMMachine old, KVMMachine k) {
          check(k);
        }

        @Override
        public void onDelete(KVMMachine k, boolean unknown) {}

        private void check(KVMMachine k) {
          if (k.getStatus() != null && k.getStatus().getInitialization() != null
              && Boolean.TRUE.equals(k.getStatus().getInitialization().getProvisioned())
              && seen.add(k.getMetadata().getName())) {
            done.countDown();
          }
        }
      });
      Map<String, Double> threads0 = threadCpu(p.pid());
      double providerCpu0 = cpuSeconds(p.pid());
      double apiCpu0 = apiServerCpuSeconds();
      double harnessCpu0 = cpuSeconds(ProcessHandle.current().pid());
      Map<String, Long> requests0 = apiRequests(client);
      Map<String, Long> provider0 = providerRequests(http, port);
      long t0 = System.nanoTime();
      createMachines(client, NAMESPACE, o.machines(), "");
      long createMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("only " + seen.size() + " of " + o.machines() + " provisioned in 10 minutes;"
            + " provider log: " + work.resolve("provider.log"));
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      double providerCpu = cpuSeconds(p.pid()) - providerCpu0;
      double apiCpu = apiServerCpuSeconds() - apiCpu0;
      double harnessCpu = cpuSeconds(ProcessHandle.current().pid()) - harnessCpu0;
      informer.close();
      Map<String, Long> requests = new TreeMap<>(apiRequests(client));
      requests0.forEach((k, v) -> requests.merge(k, -v, Long::sum));
      requests.values().removeIf(v -> v == 0);
      Map<String, Long> writes = new TreeMap<>();
      Map<String, Long> reads = new TreeMap<>();
      requests.forEach((k, v) -> (WRITE_VERBS.contains(k.substring(0, k.indexOf(' '))) ? writes : reads).put(k, v));
      Map<String, Long> byProvider = new TreeMap<>(providerRequests(http, port));
      provider0.forEach((k, v) -> byProvider.merge(k, -v, Long::sum));
      byProvider.values().removeIf(v -> v == 0);
      long reconciles = reconciles(http, port, work.resolve("provider-metrics.txt"));
      Map<String, Integer> perHost = new TreeMap<>();
      List<KVMMachine> all = client.resources(KVMMachine.class).inNamespace(NAMESPACE).list().getItems();
      Set<String> uuids = ConcurrentHashMap.newKeySet();
      for (KVMMachine k : all) {
        perHost.merge(k.getSpec().getFailureDomain(), 1, Integer::sum);
        String expected = "kvm://" + k.getSpec().getFailureDomain() + "/"
            + MachineIdentity.of(NAMESPACE, k.getMetadata().getName()).uuid();
        if (!expected.equals(k.getSpec().getProviderID()) || !uuids.add(k.getStatus().getDomainUUID())) {
          throw new IllegalStateException(k.getMetadata().getName() + ": providerID " + k.getSpec().getProviderID()
              + " or domain UUID " + k.getStatus().getDomainUUID() + " is wrong or repeated");
        }
      }
      long hwm = RssSampler.read(p.pid(), "VmHWM:");
      // The provider's CPU during the run by thread (name: tid), kept beside its log: JIT, GC, reconcilers, HTTP.
      Map<String, Double> threads = threadCpu(p.pid());
      threads0.forEach((k, v) -> threads.merge(k, -v, Double::sum));
      Files.writeString(work.resolve("provider-threads.txt"), threads.entrySet().stream()
          .filter(e -> e.getValue() > 0.005).sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .map(e -> String.format(Locale.ROOT, "%8.2f s  %s%n", e.getValue(), e.getKey()))
          .collect(java.util.stream.Collectors.joining()));
      // Where the provider's memory is, kept beside its log for a look (mappings with their resident sizes).
      try {
        Files.copy(Path.of("/proc/" + p.pid() + "/smaps"), work.resolve("provider-smaps.txt"));
      } catch (IOException e) {
        // Only for a look; the figures above do not depend on it.
      }
      return new ProviderRun(millis, createMillis, reconciles, Math.max(rss.stop(), hwm), perHost, providerCpu, apiCpu,
          harnessCpu, writes, reads, byProvider, threadKinds(threads), floor);
    } finally {
      rss.stop();
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** The peer: the same machines created one after the other straight through the libvirt bindings. */
  record DirectRun(long millis, double cpuSeconds) {}

  static DirectRun runDirect(Options o, Path work) throws IOException {
    List<LibvirtBackend> backends = new ArrayList<>();
    List<HostTarget> hosts = new ArrayList<>();
    for (int h = 0; h < o.hosts(); h++) {
      String uri = testNode(work.resolve("direct-host-" + h));
      backends.add(JnaLibvirtBackend.open(uri));
      hosts.add(new HostTarget("host-" + h, true, admin(uri)));
    }
    byte[] bootstrap = bootstrapData().getBytes(StandardCharsets.UTF_8);
    try {
      double cpu0 = cpuSeconds(ProcessHandle.current().pid());
      long t0 = System.nanoTime();
      for (int i = 0; i < o.machines(); i++) {
        int h = i % o.hosts();
        MachinePlan plan = MachinePlanner.plan(MachineIdentity.of(NAMESPACE, name(i)), spec(), hosts.get(h), false);
        new MachineProvisioner(backends.get(h)).ensure(plan, SeedDocuments.of(plan, bootstrap));
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      double cpu = cpuSeconds(ProcessHandle.current().pid()) - cpu0;
      int domains = backends.stream().mapToInt(b -> b.listDomains().size()).sum();
      if (domains != o.machines()) {
        throw new IllegalStateException("direct run defined " + domains + " domains, not " + o.machines());
      }
      return new DirectRun(millis, cpu);
    } finally {
      backends.forEach(LibvirtBackend::close);
    }
  }

  /** The admin's side of one bench host: a test-driver node, its pool and network, the base image, the namespace. */
  static KVMHostSpec admin(String uri) {
    KVMHostSpec s = new KVMHostSpec();
    s.setUri(uri);
    s.setStoragePool(POOL);
    s.setNetwork("default");
    s.setBaseImages(List.of(BASE_IMAGE));
    s.setAllowedNamespaces(new AllowedNamespaces());
    s.getAllowedNamespaces().setList(List.of(NAMESPACE));
    return s;
  }

  static void setUpCluster(KubernetesClient client, List<KVMHost> hosts) {
    hosts.forEach(h -> client.resource(h).create());
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    GenericKubernetesResource c = new GenericKubernetesResource();
    c.setApiVersion(CapiObjects.API_VERSION);
    c.setKind("Cluster");
    c.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(CLUSTER).build());
    c.setAdditionalProperty("spec", Map.of("infrastructureRef",
        Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMCluster", "name", CLUSTER)));
    c = client.genericKubernetesResources(CLUSTERS).inNamespace(NAMESPACE).resource(c).create();
    c.setAdditionalProperty("status", Map.of("initialization", Map.of("infrastructureProvisioned", true)));
    client.genericKubernetesResources(CLUSTERS).inNamespace(NAMESPACE).resource(c).updateStatus();
    KVMCluster kc = new KVMCluster();
    kc.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(CLUSTER)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(CapiObjects.API_VERSION).withKind("Cluster")
            .withName(CLUSTER).withUid(c.getMetadata().getUid()).build()).build());
    KVMClusterSpec spec = new KVMClusterSpec();
    ApiEndpoint ep = new ApiEndpoint();
    ep.setHost("api.bench.example.org");
    ep.setPort(6443);
    spec.setControlPlaneEndpoint(ep);
    spec.setHosts(hosts.stream().map(h -> {
      KVMClusterHost e = new KVMClusterHost();
      e.setName(h.getMetadata().getName());
      return e;
    }).toList());
    kc.setSpec(spec);
    client.resources(KVMCluster.class).inNamespace(NAMESPACE).resource(kc).create();
  }

  /** Per machine, as CAPI leaves them: the bootstrap data Secret, the Machine, the KVMMachine it owns. */
  static void createMachines(KubernetesClient client, String ns, int n, String prefix) throws Exception {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(prefix + name(i));
    }
    new FixtureWriter(client, CLUSTER, bootstrapData(), spec(), MACHINES_IN_FLIGHT).create(ns, names);
  }

  static KVMMachineSpec spec() {
    KVMMachineSpec s = new KVMMachineSpec();
    s.setCpus(2);
    s.setMemory("4Gi");
    BaseImage image = new BaseImage();
    image.setVolume(BASE_IMAGE);
    s.setImage(image);
    MachineVolumes v = new MachineVolumes();
    v.setRootSizeGB(20);
    v.setDockerSizeGB(40);
    v.setKubeletSizeGB(30);
    s.setVolumes(v);
    return s;
  }

  static String name(int i) {
    return String.format(Locale.ROOT, "worker-%04d", i);
  }

  /** Stand-in kubeadm join data of a realistic size (about 3 KiB). */
  static String bootstrapData() {
    StringBuilder b = new StringBuilder("## template: jinja\n#cloud-config\nwrite_files:\n");
    for (int i = 0; i < 40; i++) {
      b.append("- path: /etc/kubernetes/bench-").append(i).append(".conf\n  content: |\n    line ").append(i)
          .append(" of stand-in bootstrap data\n");
    }
    return b.append("runcmd:\n- kubeadm join --config /run/kubeadm/kubeadm-join-config.yaml\n").toString();
  }

  /** A libvirt test-driver node file with pool "default" holding the base image and network "default". */
  static String testNode(Path dir) {
    return LibvirtTestNode.write(dir);
  }

  static void waitReady(HttpClient http, int port, Process p, Path work) throws Exception {
    ProviderReadiness.await(http, port, p, work.resolve("provider.log"), Duration.ofSeconds(90));
  }

  /** User + system CPU time of a process so far, from /proc/PID/stat (clock ticks of 1/100 s). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The provider's threads by what they do (names as Linux shows them, 15 characters at most). */
  static Map<String, Double> threadKinds(Map<String, Double> threads) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    for (String kind : List.of("reconcile threads (libvirt calls, request bodies, XML, seed)",
        "HTTP client threads (TLS, responses and watch events to objects, informers)", "C1 JIT compiler",
        "GC and safepoints (VM Thread)", "other")) {
      out.put(kind, 0.0);
    }
    threads.forEach((name, cpu) -> {
      String kind = name.startsWith("pool-") ? "reconcile threads (libvirt calls, request bodies, XML, seed)"
          : name.startsWith("ApiHttpClientFa") || name.startsWith("HttpClient-") || name.startsWith("ForkJoinPool")
              || name.startsWith("InformerWrapper") ? "HTTP client threads (TLS, responses and watch events to "
              + "objects, informers)"
          : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "C1 JIT compiler"
          : name.startsWith("VM Thread") || name.startsWith("GC ") ? "GC and safepoints (VM Thread)" : "other";
      out.merge(kind, cpu, Double::sum);
    });
    return out;
  }

  /** User + system CPU time of each thread of a process, by "name: tid". */
  static Map<String, Double> threadCpu(long pid) {
    Map<String, Double> out = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      tasks.forEach(t -> {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(name + ": " + t.getFileName(), (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0);
        } catch (IOException | RuntimeException e) {
          // the thread ended
        }
      });
    } catch (IOException e) {
      // the process ended
    }
    return out;
  }

  /** CPU time of the kube-apiserver and etcd processes this JVM started. */
  static double apiServerCpuSeconds() {
    return ProcessHandle.current().descendants()
        .filter(ph -> ph.info().command().map(c -> c.endsWith("/kube-apiserver") || c.endsWith("/etcd")).orElse(false))
        .mapToDouble(ph -> cpuSeconds(ph.pid())).sum();
  }

  static final Set<String> WRITE_VERBS = Set.of("POST", "PATCH", "APPLY", "PUT", "DELETE");

  /**
   * Requests the API server has answered so far, by "VERB resource[/subresource]", from its own
   * apiserver_request_total counter (load does not change these counts). Writes and reads (GET, LIST, WATCH: a
   * watch counts once, when it ends or is answered) are reported apart.
   */
  static Map<String, Long> apiRequests(KubernetesClient client) {
    Map<String, Long> out = new TreeMap<>();
    for (String line : client.raw("/metrics").split("\n")) {
      if (!line.startsWith("apiserver_request_total{")) {
        continue;
      }
      String verb = label(line, "verb");
      String resource = label(line, "resource");
      if (resource.isEmpty()) {
        continue; // non-resource URLs: /metrics (this harness), /healthz, discovery
      }
      String sub = label(line, "subresource");
      String key = verb + " " + resource + (sub.isEmpty() ? "" : "/" + sub);
      out.merge(key, Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))), Long::sum);
    }
    return out;
  }

  private static String label(String line, String name) {
    int at = line.indexOf(name + "=\"");
    if (at < 0) {
      return "";
    }
    int start = at + name.length() + 2;
    return line.substring(start, line.indexOf('"', start));
  }

  /** The provider's own count of its API requests by "VERB resource" (capkit_provider_api_requests_total). */
  static Map<String, Long> providerRequests(HttpClient http, int port) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Long> out = new TreeMap<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("capkit_provider_api_requests_total{")) {
        out.merge(label(line, "verb") + " " + label(line, "resource"),
            Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))), Long::sum);
      }
    }
    return out;
  }

  /** Sum of the KVMMachine reconcile counts in the provider's Prometheus metrics (all of them are kept in {@code keep}). */
  static long reconciles(HttpClient http, int port, Path keep) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    // Kept beside the provider's log for a look at JOSDK's event and retry counts.
    Files.writeString(keep, body);
    double sum = 0;
    for (String line : body.split("\n")) {
      // JOSDK's reconcile timer of the KVMMachine controller (micrometer-support).
      if (line.startsWith(
          "operator_sdk_controllers_execution_reconcile_seconds_count{controller=\"kvmmachinereconciler\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(sum);
  }

  static String report(Options o, ProviderRun r, DirectRun direct, String apiVersion, String loadBefore,
      String loadAfter) {
    double seconds = r.millis() / 1000.0;
    long rssMib = r.peakRssKib() / 1024;
    double ratio = (double) r.millis() / direct.millis();
    int cores = Runtime.getRuntime().availableProcessors();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%d KVMMachines (with owning Machines and bootstrap Secrets, as CAPI creates "
        + "them) in one cluster whose KVMCluster has %d hosts, each its own libvirt test-driver node. Measured: from "
        + "the harness sending its first POST (the provider is already running and ready, its informers synced, "
        + "nothing is paused) to the harness's watch seeing the last KVMMachine with "
        + "`status.initialization.provisioned=true`; the harness pipelines its POSTs (%d machines in flight, JSON "
        + "built once), so creation overlaps provisioning. Peer, in the same run: the same %d machines created "
        + "straight through the libvirt bindings (the provider's own MachineProvisioner), sequentially, without "
        + "Kubernetes. Run with `bench/provider/run.sh`.%n%n", o.machines(), o.hosts(), MACHINES_IN_FLIGHT,
        o.machines()));
    b.append("| measure | value | target (issue 18) |\n|---|---|---|\n");
    b.append(String.format(Locale.ROOT, "| provider: total time | %.1f s | ≤ %.0f s: **%s** |%n", seconds,
        TARGET_SECONDS, seconds <= TARGET_SECONDS ? "met" : "missed"));
    b.append(String.format(Locale.ROOT, "| provider: peak RSS of the process (VmHWM) | %d MiB | ≤ %d MiB: **%s** |%n",
        rssMib, TARGET_RSS_MIB, rssMib <= TARGET_RSS_MIB ? "met" : "missed"));
    b.append(String.format(Locale.ROOT, "| peer: direct libvirt, same machines, same run | %.1f s (CPU %.1f s) | |%n",
        direct.millis() / 1000.0, direct.cpuSeconds()));
    b.append(String.format(Locale.ROOT, "| ratio provider / direct libvirt, wall time | %.1f× | ≤ %.0f×: **%s** |%n",
        ratio, TARGET_RATIO, ratio <= TARGET_RATIO ? "met" : "missed"));
    b.append(String.format(Locale.ROOT, "| ratio provider / direct libvirt, CPU of the process doing the libvirt "
        + "work | %.1f× | |%n", r.providerCpuSeconds() / direct.cpuSeconds()));
    b.append(String.format(Locale.ROOT, "| harness: all %d objects created after | %.1f s | |%n", 3 * o.machines(),
        r.createMillis() / 1000.0));
    double total = r.providerCpuSeconds() + r.apiServerCpuSeconds() + r.harnessCpuSeconds();
    b.append(String.format(Locale.ROOT, "| CPU time during the run: provider / kube-apiserver+etcd / harness | %.1f s /"
        + " %.1f s / %.1f s = %.1f s (%.1f s available on %d cores) | |%n", r.providerCpuSeconds(),
        r.apiServerCpuSeconds(), r.harnessCpuSeconds(), total, seconds * cores, cores));
    Floor f = r.floor();
    b.append(String.format(Locale.ROOT, "| floor: the same %d objects created in a namespace nobody reconciles, just "
        + "before | %.1f s; CPU kube-apiserver+etcd / harness %.1f s / %.1f s (provider idle: %.1f s) | |%n",
        3 * o.machines(), f.millis() / 1000.0, f.apiServerCpuSeconds(), f.harnessCpuSeconds(),
        f.providerCpuSeconds()));
    long writes = r.writes().values().stream().mapToLong(Long::longValue).sum();
    long harnessWrites = r.writes().entrySet().stream().filter(e -> HARNESS_WRITES.contains(e.getKey()))
        .mapToLong(Map.Entry::getValue).sum();
    b.append(String.format(Locale.ROOT, "| API writes during the run | %d (%.1f per machine): %s | |%n",
        writes, (double) writes / o.machines(), r.writes().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(java.util.stream.Collectors.joining(", "))));
    b.append(String.format(Locale.ROOT, "| API writes by the provider (all but the harness's POSTs) | %d (%.2f per "
        + "machine) | |%n", writes - harnessWrites, (double) (writes - harnessWrites) / o.machines()));
    long own = r.byProvider().values().stream().mapToLong(Long::longValue).sum();
    b.append(String.format(Locale.ROOT, "| API requests sent by the provider (its own count, "
        + "`capkit_provider_api_requests_total`) | %d (%.2f per machine): %s | |%n", own, (double) own / o.machines(),
        r.byProvider().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(java.util.stream.Collectors.joining(", "))));
    long reads = r.reads().values().stream().mapToLong(Long::longValue).sum();
    b.append(String.format(Locale.ROOT, "| API reads during the run (the harness's watch is opened before; only the "
        + "provider reads during the run) | %d (%.2f per machine): %s | |%n", reads, (double) reads / o.machines(),
        r.reads().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(java.util.stream.Collectors.joining(", "))));
    b.append(String.format(Locale.ROOT, "| provider CPU by thread (/proc/PID/task) | %s | |%n",
        r.cpuByThreadKind().entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(),
            e.getValue())).collect(java.util.stream.Collectors.joining("; "))));
    b.append(String.format(Locale.ROOT, "| provider: KVMMachine reconciles | %d (%.2f per machine) | |%n",
        r.reconciles(), (double) r.reconciles() / o.machines()));
    b.append(String.format(Locale.ROOT, "| provider: machines/s | %.1f | |%n", o.machines() / seconds));
    b.append(String.format(Locale.ROOT, "| provider JVM | %s: `%s%s`, `MALLOC_ARENA_MAX=%s`, %d reconcile threads"
        + " (the Deployment's, provider/config/manager.yaml), started as the image starts it: `-jar capkit.jar"
        + " provider run` (the shaded jar, cli/target/capkit.jar; before session 9 from the harness's class path) | |%n",
        javaVersion(o.java()), o.jvm(),
        o.xmx() == null ? "" : " -Xmx" + o.xmx(), DEPLOYMENT.mallocArenaMax(), o.threads()));
    b.append(String.format(Locale.ROOT, "| harness JVM | `%s` | |%n", String.join(" ",
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())));
    b.append(String.format(Locale.ROOT, "| machines per host | %s | |%n", r.perHost()));
    b.append(String.format(Locale.ROOT, "%nMachine: %s, %d cores, %d GiB RAM, Linux %s, Java %s; kube-apiserver %s"
        + " and etcd on the same machine (started by the harness, also its client). Load average (1, 5, 15 min)"
        + " before the run: %s; after: %s.%n", BenchHost.cpuModel(), cores, memGib(),
        read("/proc/sys/kernel/osrelease"), System.getProperty("java.version"), apiVersion, loadBefore, loadAfter));
    b.append(String.format(Locale.ROOT, "%nTargets: time %s (%.1f s against ≤ %.0f s), peak RSS %s (%d MiB against"
        + " ≤ %d MiB), ratio to direct libvirt %s (%.1f× against ≤ %.0f×). The CPU line shows what the wall time is"
        + " made of: provider, API server and harness share the %d cores (and other jobs on this machine take their"
        + " share), so the wall time cannot fall below their summed CPU time divided by the cores; the floor line is"
        + " the part of it the harness and the API server cost with no provider at all.%n",
        seconds <= TARGET_SECONDS ? "met" : "missed", seconds, TARGET_SECONDS,
        rssMib <= TARGET_RSS_MIB ? "met" : "missed", rssMib, TARGET_RSS_MIB,
        ratio <= TARGET_RATIO ? "met" : "missed", ratio, TARGET_RATIO, cores));
    b.append("\n").append(TUNING).append("\n");
    b.append("\n").append(READING).append("\n");
    return b.toString();
  }

  /** The harness's own writes in the API server's counts; everything else during the run is the provider's. */
  static final Set<String> HARNESS_WRITES = Set.of("POST kvmmachines", "POST machines", "POST secrets");

  static final String TUNING = "Tuning in the provider: dependent objects read from informer caches (no GET per"
      + " reconcile but the bootstrap Secret's), read without metadata.managedFields; per new machine three writes: one"
      + " claim before anything is created (finalizer, host in spec.failureDomain, providerID), one status apply after"
      + " the libvirt calls (carrying status.libvirt, the placement record), one Normal event, and the bootstrap"
      + " Secret's GET: four requests in all (the claim's own update event starts no second reconcile, and no patch"
      + " makes the client GET the object first); a settled machine costs"
      + " one domain lookup; one libvirt connection per host kept open; libvirt XML built with reused JAXP objects."
      + " Process: a common ForkJoinPool of 2 (else the JDK HTTP client starts a thread per API response on 2 CPUs),"
      + " ChaCha20-Poly1305 offered first to the API server (C1 has no AES-GCM intrinsics), no per-request kubeconfig"
      + " re-read by fabric8's token refresh for a certificate-only kubeconfig, a heap that starts at 16 MiB, C1 only"
      + " with shallower inlining (session 9), SerialGC, 2 malloc arenas (flags in the table; reasons in"
      + " docs/provider.md); /healthz, /readyz and /metrics"
      + " served by one thread of the JDK's non-blocking sockets (ProbeServer), not Netty; one API client (session 7);"
      + " the kubeconfig read by capkit (not through fabric8's model, whose first parse loads every model class on the"
      + " class path) and a client serialization that registers the kinds it receives instead of searching for them;"
      + " the flags read without picocli (session 8).";

  /** The runtime version a java launcher reports (its {@code release} file's JAVA_VERSION). */
  static String javaVersion(String java) {
    Path release = Path.of(java).toAbsolutePath().getParent().getParent().resolve("release");
    try {
      return Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION="))
          .map(l -> "Java " + l.substring(13).replace("\"", "")).findFirst().orElse(java);
    } catch (IOException e) {
      return java;
    }
  }

  /** Why the targets are out of reach here (issue 18, session 6); the figures above say how far. */
  static final String READING = "Why the targets are missed (session 6): the run is CPU-bound on 2 cores, and the"
      + " API server and etcd take the largest share. A provisioned machine costs them four requests from the"
      + " provider, the fewest this design allows: the claim must be stored before anything is created on libvirt"
      + " (finalizer and providerID: metadata and spec), the outcome is status (another subresource, written after"
      + " the libvirt calls), the bootstrap Secret is not cached (a cache of Secrets would hold every cluster's CA and"
      + " kubeconfig), and the Normal event is the documented record of what was created. Measured apart (500 requests,"
      + " 8 in flight, two KVMMachine watchers, kube-apiserver + etcd CPU): a KVMMachine status write 5.4-7.2 ms,"
      + " the same as a server-side apply or as a JSON merge patch; the claim 3.7 ms; the harness's KVMMachine POST"
      + " 2.3-2.6 ms; an Event POST 1.2-1.8 ms; a Secret GET 0.8-1.1 ms: about 12 ms of API-server CPU for the"
      + " provider's four requests per machine, 6 s for 500, on top of the floor line's cost of creating the objects. With the harness's own CPU that leaves"
      + " no room for 8 s on 2 cores whatever the provider does; the provider's own CPU (by thread in the table) is"
      + " libvirt's test driver and the reconcile code, the HTTP client's TLS and JSON, and C1 compiling the burst's"
      + " code paths. RSS: the heap is about a fifth of it (NMT at the end: heap 37, metaspace 35 for about 8,100"
      + " classes, code 17, symbols 9, CDS archive 12 MiB); JDK 25 with compact object headers was not smaller."
      + " Measured alternatives: docs/provider.md, \"JVM options of the provider process\"."
      + "\n\nSession 7 (back to back on the shared 2-core machine, load 7-12; provider CPU during the run, VmHWM):"
      + " the health and metrics port off Netty (ProbeServer) and one API client instead of two: 172, 172 and 169 MiB"
      + " against 175, 177 and 176 MiB before (main), provider CPU 5.6-6.2 against 5.8-6.5 s (three pairs, alternating,"
      + " load 6.5-11); 7,440 classes loaded against 8,121; adopted. fabric8's other HTTP clients in the provider"
      + " (same version 7.6.1, ChaCha20 first, three runs each, all three clients on the class path, where fabric8's"
      + " ServiceLoader instantiates every client factory, so the RSS figures compare with each other only): OkHttp 5.3.2 6.0-6.6 s provider CPU (its HTTP"
      + " threads 1.27-1.36 s) and 180-182 MiB against the JDK client's 6.5-7.1 s (HTTP threads 1.78-1.93 s) and"
      + " 177-180 MiB, the API server's CPU the same (8.7-9.6 s); Vert.x 4.5.24 7.4 s (HTTP threads 2.21 s), 198 MiB"
      + " (one run). Not adopted: OkHttp's 0.5 s of provider CPU is 0.25 s of wall on 2 cores in a run the API server"
      + " bounds, for 2-4 MiB more RSS (Kotlin's standard library, okio) on the target that is further away, and in the"
      + " one shaded jar it would become every command's fabric8 client (highest ServiceLoader priority). HTTP/1.1"
      + " instead of HTTP/2 (kubernetes.http2.disable): JDK client 6.1-6.6 s, 179-180 MiB, API server 8.4-8.9 s; no"
      + " clear change. Reflection accessors left native (sun.reflect.inflationThreshold): 178 MiB, no change. What is"
      + " left for RSS: fabric8's ServiceLoader scan of every KubernetesResource class on the class path loads about"
      + " 650 model classes the provider never uses (Pod, ReplicationController, Gateway API...), about 3 MiB. Here"
      + " it is started by fabric8 reading the kubeconfig through its static Serialization (KubeConfigUtils.parseConfig;"
      + " JFR class-load stacks), so a provider serialization without class-loader search (tried: 7,443 classes"
      + " still loaded, 172 MiB) does not avoid it; in a cluster (service-account token, no kubeconfig) it could,"
      + " and pre-filling fabric8's table with the kinds the provider receives untyped (by reflection: fabric8 has no option) measured 163-166 MiB against 169-174 MiB, not adopted (docs/provider.md). The live heap after a full GC at the end of the burst is 20-25"
      + " MiB (class histograms during the run; the informer caches of 500 KVMMachines and Machines a few MiB of it):"
      + " smaller informer caches cannot close 12 MiB. Reconcile CPU (JFR, 1 ms samples of the reconcile threads' Java"
      + " code): MachineProvisioner (libvirt calls through JNA, domain XML, seed) 40 %, API calls through fabric8"
      + " (request bodies, URLs, response parsing) 30 %, the per-host count of machines for placement 8 %, JOSDK's"
      + " clone of the primary 3 %; no single item outside libvirt is worth more than 0.1-0.2 s of the run."
      + "\n\n" + ProvisionBench.SESSION8 + "\n\n" + ProvisionBench.SESSION9; // constants: no forward reference at run time

  /** Session 8's A/B runs (issue 18): what closed the RSS gap and what was measured beside it. */
  static final String SESSION8 = "Session 8 (A/B back to back on the shared 2-core machine, load 3-13, VmHWM and"
      + " provider CPU during the run, pairs alternating, each step against the code before it): fabric8's scan of"
      + " every model class avoided through public APIs: capkit reads a plain certificate kubeconfig itself (a"
      + " single file, the chosen user a client certificate; everything else, e.g. tokens, exec and auth-provider"
      + " plugins, proxy-url, extensions, is left to fabric8's loading; compared field by field with fabric8's in"
      + " KubeconfigTest) and the provider's serialization is built without class-loader search, registering the kinds"
      + " it may receive untyped (Status for a watch's ERROR event, so 410 Gone still re-lists, and the watched"
      + " kinds): 6,928 classes loaded against 7,440; 164, 162, 165 MiB against main's 173, 169, 169 MiB (load"
      + " 3.1-10.6), provider CPU 6.2, 5.9, 7.1 against 6.4, 5.9, 6.3 s. The flags read without picocli's command"
      + " model (172 classes no longer loaded): 160, 162, 158 MiB against 162, 164, 165 MiB (load 6-13), provider"
      + " CPU 7.5, 6.5, 6.4 against 7.4, 6.4, 7.0 s. Both adopted (docs/provider.md, \"Running it\"). Measured"
      + " beside them, not adopted: -XX:CompileThresholdScaling=1.5 (fewer C1 compilations) 160, 157, 158 MiB"
      + " against 160, 160, 162 MiB with the adopted code (load 7-13), for 1.3, -0.2 and 0.1 s more provider CPU,"
      + " against a time target met with little margin on a quiet machine; -XX:MetaspaceReclaimPolicy=aggressive 159,"
      + " 159, 162 against 162, 161, 158 MiB (no change beyond the spread); -Xmn6m instead of -Xmn8m 161, 158, 157,"
      + " 158, 160 against 164, 162, 158, 162, 159 MiB (load 1.4-4.8) at the same provider CPU, but the run's wall"
      + " time longer in four pairs of five (8.8 against 7.4 s on average). What is left is the code the provider"
      + " runs: about 6,700 classes, their C1 code, the JVM itself, and libvirt's test-driver state, in the process"
      + " only because the bench's hosts are test drivers.";

  /** Session 9's look at when the peak happens and where it grows (issue 18), and what was measured on it. */
  static final String SESSION9 = "Session 9 (A/B on the shared 2-core machine, load 5-16, pairs alternating; details"
      + " in docs/provider.md, session 9): the peak is the end of the burst, reached by a steady climb from about"
      + " 104 MiB when the provider is ready (VmRSS every 20 ms; no spike, GC or initial list behind it). Of the"
      + " burst's +62 MiB (smaps): Java heap +9.4, glibc's two arenas +22 (outside the JVM: NMT's malloc stays at"
      + " 14 MiB; a malloc uprobe counted 5.8 of 6.1 million calls from libxml2, libvirt's XPath-driven parsing of"
      + " domain, volume and pool XML, 585 MiB allocated and freed; trimming the native heap released at most 1 MiB),"
      + " C1's code +8.3, metaspace +3 and the pages of libvirt's ~40 libraries +16 MiB (libvirt, libcrypto,"
      + " libxml2, gnutls, glib...). Adopted: C1 inlines less (-XX:C1MaxInlineSize=20 -XX:C1MaxInlineLevel=4): 157"
      + " MiB in each of eight pairs against 159-162 MiB with the options before (load 4-16), provider CPU the same"
      + " (4.4-5.3 against 4.4-5.1 s). Adopted in the harness: the provider started as the Deployment's image starts"
      + " it (java -jar capkit.jar provider run, one shaded jar) instead of ProviderMain on the harness's class path"
      + " (seven reactor class folders and ~100 jars): 152, 153, 153 against 157, 157 MiB, the same code and options"
      + " (load 4-8); figures before session 9 are about 4 MiB higher for that alone. The inlining limits with this"
      + " harness: 153, 152, 153, 154 against 154, 155, 158, 158 MiB (load 4-7), provider CPU the same. Measured, not adopted: a CDS"
      + " archive of the provider's classes: from the shaded jar, a static archive dumped from the provider's class"
      + " list 147, 147 against 153, 153 MiB (load 7-8, provider CPU 4.8, 4.8 against 4.6, 5.1 s); it needs the"
      + " archive built into the image from /app/capkit.jar and named in the Deployment's options, and the harness"
      + " dumping the same; -XX:CICompilerCount=1 156, 155, 156 against 157, 157,"
      + " 157, 156 MiB (within the spread); -XX:TrimNativeHeapInterval=1000 163 MiB; glibc.malloc.mxfast=0 162, 160"
      + " against 162 MiB. The ratio, bounded: on 2 cores the wall time is at least the run's CPU over two. In this"
      + " session's 33 runs the API server and etcd took 6.2-7.6 s during the run, 1.7-2.1 s of it the floor's cost"
      + " of creating the objects, so 4.3-5.6 s (8.6-11.2 ms per machine) the provider's four requests, the fewest"
      + " the contract and the documented guarantees allow; the harness 1.2-1.5 s; the libvirt work at least the"
      + " peer's CPU, 1.1-1.4 s. 3x a quiet 1.0-1.1 s peer is 6.0-6.6 CPU-seconds on 2 cores, of which harness, floor"
      + " and libvirt take 4.0-5.0, leaving 1.0-2.6 s for the API server's share of the provider's requests and all"
      + " the provider's CPU beyond libvirt, against the requests' 4.3-5.6 s alone: with a provider costing nothing"
      + " but its libvirt calls the bound is 4.3-5.3 s, 3.9-5.3x the peer; 3x needs the API server and etcd on other"
      + " cores.";

  private static long memGib() {
    return Math.round(RssSampler.readFile("/proc/meminfo", "MemTotal:") / 1024.0 / 1024.0);
  }

  private static String loadAverage() {
    String[] f = read("/proc/loadavg").split(" ");
    return f.length < 3 ? "?" : f[0] + ", " + f[1] + ", " + f[2];
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /** Samples a process's VmRSS every 20 ms and keeps the peak. */
  static final class RssSampler {
    private final long pid;
    private final AtomicLong peak = new AtomicLong();
    private volatile Thread thread;

    RssSampler(long pid) {
      this.pid = pid;
    }

    void start() {
      thread = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          peak.accumulateAndGet(read(pid, "VmRSS:"), Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "rss-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long stop() {
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
      return peak.get();
    }

    static long read(long pid, String key) {
      return readFile("/proc/" + pid + "/status", key);
    }

    static long readFile(String file, String key) {
      try {
        return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(key))
            .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
      } catch (IOException | NumberFormatException e) {
        return 0L;
      }
    }
  }
}
