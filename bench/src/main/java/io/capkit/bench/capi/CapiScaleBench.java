package io.capkit.bench.capi;

import io.capkit.api.infra.AllowedNamespaces;
import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.yaml.DocumentTrees;
import io.capkit.bench.BenchHost;
import io.capkit.bench.ProviderReadiness;
import io.capkit.bench.ResultsSection;
import io.capkit.bench.capi.MachineTimelines.MachineRefs;
import io.capkit.bench.capi.MachineTimelines.Milestone;
import io.capkit.bench.provider.ProvisionPeer;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.RenderedCluster;
import io.capkit.renderer.Renderer;
import io.capkit.testsupport.CrdSources;
import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.LibvirtTestNode;
import io.capkit.testsupport.ServerSideApply;
import io.capkit.testsupport.capi.CapiControllers;
import io.capkit.testsupport.capi.StandInWorkloadClusters;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * capkit's KVM provider under the real Cluster API v1.14 managers: a MachineDeployment scaled up by N Machines (a
 * merge patch of spec.replicas, as {@code kubectl scale} sends) until all N are Provisioned, then Running, with
 * where the time goes — per-machine milestones seen by the harness's watches, CPU per process, API requests per
 * client from the API server's audit log. The peer in the same run: bench/provider's measurement of the same
 * provider on N KVMMachines created directly (CAPI stopped), and the same machines straight through libvirt.
 *
 * <p>Everything runs on this machine: an embedded kube-apiserver + etcd, the three CAPI managers
 * ({@link CapiControllers}), capkit's provider in its own JVM on H libvirt test-driver hosts (KVMHost objects), and
 * stand-in workload API servers ({@link StandInWorkloadClusters}) that play kubeadm init and the kubelets.
 *
 * <p>{@code CapiScaleBench [--machines N] [--hosts H] [--timeout-minutes M] [--no-peer] [--results FILE]}
 */
public final class CapiScaleBench {
  static final String NAMESPACE = "capi-bench";
  static final String CLUSTER = "scale";
  static final String INFRA = "infrastructure.cluster.x-k8s.io/v1alpha1";
  static final String CAPI = "cluster.x-k8s.io/v1beta2";
  static final String BOOTSTRAP = "bootstrap.cluster.x-k8s.io/v1beta2";
  static final String HARNESS_AGENT = "capkit-bench-capi";
  static final String STAND_IN_AGENT = "capkit-stand-in";
  static final Duration SETUP_TIMEOUT = Duration.ofMinutes(6);
  static final Duration RUNNING_GRACE = Duration.ofMinutes(3);

  record Options(int machines, int hosts, int timeoutMinutes, boolean peer, Path results) {
    static Options parse(String[] args) {
      int machines = 100;
      int hosts = 4;
      int timeout = 15;
      boolean peer = true;
      Path results = null;
      for (int i = 0; i < args.length; i++) {
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--machines" -> machines = Integer.parseInt(v);
          case "--hosts" -> hosts = Integer.parseInt(v);
          case "--timeout-minutes" -> timeout = Integer.parseInt(v);
          case "--results" -> results = Path.of(v);
          case "--no-peer" -> {
            peer = false;
            i--;
          }
          default -> throw new IllegalArgumentException(args[i] + ": not a flag of CapiScaleBench (--machines N,"
              + " --hosts H, --timeout-minutes M, --no-peer, --results FILE)");
        }
        i++;
      }
      return new Options(machines, hosts, timeout, peer, results);
    }
  }

  /** What the CAPI run measured. */
  record CapiRun(double provisionedMillis, double runningMillis, int running,
                 Map<String, Map<Milestone, Double>> timelines, Map<String, Double> cpuToProvisioned,
                 Map<String, Double> cpuToRunning, Map<String, Long> peakRssKib, AuditTally requestsToProvisioned,
                 AuditTally requestsToRunning, long reconciles, Map<String, Integer> perHost, String lastProvisioned,
                 String capiVersion, String apiVersion, String providerJvm, String settle,
                 List<MachineSetLog.Batch> machineSetBatches, long machineSetDeadlineErrors, List<String> deleted) {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    // On Ctrl-C or a kill, stop every process this JVM started (the embedded kube-apiserver and etcd have no hook of
    // their own; the CAPI managers, stand-ins and provider have, this is the fallback).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
        .forEach(ProcessHandle::destroy), "stop-children"));
    Path work = Files.createTempDirectory("capkit-capi-bench");
    String loadBefore = BenchHost.loadAverage(" ");
    System.out.println("work folder (logs): " + work);
    CapiRun capi;
    ProvisionPeer.ProviderOnly peer = null;
    ProvisionPeer.Direct direct = null;
    Path policy = work.resolve("audit-policy.yaml");
    Files.writeString(policy, """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: ["RequestReceived"]
        rules:
        - level: Metadata
        """);
    Path auditLog = work.resolve("audit.log");
    try (EmbeddedApiServer api = new EmbeddedApiServer(List.of("--audit-policy-file=" + policy,
        "--audit-log-path=" + auditLog, "--audit-log-maxsize=0", "--audit-log-maxbackup=0")).start()) {
      api.installCrds(CrdSources.all());
      capi = runCapi(o, api, work, auditLog);
      System.out.print(progress(capi, o));
      if (o.peer()) {
        System.out.println("peer: bench/provider's run of the provider alone on " + o.machines()
            + " KVMMachines (CAPI managers stopped)");
        peer = ProvisionPeer.provider(api, work.resolve("peer"), o.machines(), o.hosts());
        System.out.printf(Locale.ROOT, "peer: provider alone %.1f s%n", peer.millis() / 1000.0);
      }
    }
    if (o.peer()) {
      direct = ProvisionPeer.direct(work.resolve("direct"), o.machines(), o.hosts());
      System.out.printf(Locale.ROOT, "peer: direct libvirt %.1f s%n", direct.millis() / 1000.0);
    }
    String report = CapiReport.render(o, capi, peer, direct, loadBefore, BenchHost.loadAverage(" "));
    System.out.print(report);
    if (o.results() != null) {
      ResultsSection.write(o.results(), CapiReport.HEADING, report);
      System.out.println("wrote the \"" + CapiReport.HEADING + "\" section of " + o.results());
    }
  }

  static CapiRun runCapi(Options o, EmbeddedApiServer api, Path work, Path auditLog) throws Exception {
    String apiVersion = api.version();
    try (KubernetesClient client = clientAs(api, HARNESS_AGENT);
         KubernetesClient standInClient = clientAs(api, STAND_IN_AGENT);
         CapiControllers capi = startCapi(api, work);
         StandInWorkloadClusters workloads = StandInWorkloadClusters.start(standInClient, work.resolve("workloads"));
         ProviderProcess provider = ProviderProcess.start(api, work, NAMESPACE)) {
      System.out.println("CAPI " + capi.version() + " managers, kube-apiserver " + apiVersion + ", provider ready");
      List<String> hosts = new ArrayList<>();
      for (int h = 0; h < o.hosts(); h++) {
        hosts.add(createHost(client, "capi-host-" + h, LibvirtTestNode.write(work.resolve("capi-host-" + h))));
      }
      RenderedCluster rendered = render(hosts);
      apply(client, rendered);
      workloads.watch(NAMESPACE, CLUSTER);
      String md = rendered.objects().stream().filter(x -> x.kind().equals("MachineDeployment")).map(KubeObject::name)
          .findFirst().orElseThrow();

      long setup0 = System.nanoTime();
      await("the control-plane Machine and the first worker Running (kubeadm init by the stand-in)", SETUP_TIMEOUT,
          capi, workloads, work, () -> {
            List<GenericKubernetesResource> ms = machines(client);
            long running = ms.stream().filter(m -> "Running".equals(phase(m))).count();
            return ms.size() == 2 && running == 2 ? true : null;
          });
      String settle = String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - setup0) / 1e9);
      System.out.println("cluster up (1 control-plane + 1 worker Running) after " + settle);
      Set<String> before = machines(client).stream().map(m -> m.getMetadata().getName()).collect(Collectors.toSet());

      MachineTimelines timelines = new MachineTimelines();
      Map<String, String> providerIds = new ConcurrentHashMap<>();
      // Machines CAPI deletes again (a MachineSet that overshot after a timed-out create): not counted.
      Set<String> deleting = ConcurrentHashMap.newKeySet();
      Clock clock = new Clock();
      List<SharedIndexInformer<GenericKubernetesResource>> informers = List.of(
          inform(client, CAPI, "Machine", (m, added) -> {
            if (m.getMetadata().getDeletionTimestamp() != null || added == null) {
              deleting.add(m.getMetadata().getName());
            }
            if (added != null) {
              markMachine(timelines, providerIds, clock, m, added);
            }
          }),
          inform(client, BOOTSTRAP, "KubeadmConfig", (c, added) -> {
            if (added != null) {
              markConfig(timelines, clock, c, added);
            }
          }),
          inform(client, INFRA, "KVMMachine", (k, added) -> {
            if (added != null) {
              markKvm(timelines, clock, k, added);
            }
          }));
      try {
        informers.forEach(i -> i.hasSynced());
        Thread.sleep(5000); // let the managers settle after the last status writes of the set-up
        Map<String, Long> pids = pids(work, provider.pid());
        long reconciles0 = provider.reconciles();
        Path coreLog = work.resolve("capi").resolve("capi-manager.log");
        int coreLogLines0 = MachineSetLog.lineCount(coreLog);
        Map<String, Double> cpu0 = ProcessCpu.snapshot(pids);
        clock.start();
        client.genericKubernetesResources(CAPI, "MachineDeployment").inNamespace(NAMESPACE).withName(md)
            .patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"replicas\":" + (before.size() - 1 + o.machines()) + "}}");
        System.out.printf(Locale.ROOT, "scaled MachineDeployment %s from %d to %d at %s%n", md, before.size() - 1,
            before.size() - 1 + o.machines(), clock.startInstant());

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(o.timeoutMinutes());
        double provisioned = Double.NaN;
        Map<String, Double> cpuProvisioned = null;
        long lastPrint = 0;
        while (true) {
          List<String> fresh = timelines.names("Machine").stream().filter(n -> !before.contains(n)
              && !deleting.contains(n)).toList();
          for (String name : fresh) {
            String pid = providerIds.get(name);
            if (pid != null) {
              workloads.joinedAt(pid).ifPresent(at -> timelines.mark("Machine", name, Milestone.NODE_JOINED,
                  clock.millisAt(at)));
            }
          }
          long prov = fresh.stream().filter(n -> timelines.reached("Machine", n, Milestone.PROVISIONED)).count();
          long run = fresh.stream().filter(n -> timelines.reached("Machine", n, Milestone.RUNNING)).count();
          if (Double.isNaN(provisioned) && prov >= o.machines()) {
            provisioned = clock.millis();
            cpuProvisioned = ProcessCpu.delta(cpu0, ProcessCpu.snapshot(pids));
            System.out.printf(Locale.ROOT, "%6.1f s  all %d new Machines Provisioned%n", provisioned / 1000, prov);
            // Running needs only the stand-in's Nodes and CAPI's nodeRef: a few more seconds, else report what ran.
            deadline = Math.min(deadline, System.nanoTime() + RUNNING_GRACE.toNanos());
          }
          if (run >= o.machines() || System.nanoTime() > deadline) {
            if (Double.isNaN(provisioned)) {
              throw new IllegalStateException(String.format(Locale.ROOT, "timed out after %d min: %d Machines seen,"
                  + " %d of %d Provisioned, %d Running; CAPI managers running: %s; stand-in errors: %s; logs in %s",
                  o.timeoutMinutes(), fresh.size(), prov, o.machines(), run, capi.running(), workloads.errors(), work));
            }
            break;
          }
          if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
            lastPrint = System.nanoTime();
            System.out.printf(Locale.ROOT, "%6.1f s  %d Machines, %d Provisioned, %d Running%n", clock.millis() / 1000,
                fresh.size(), prov, run);
          }
          Thread.sleep(100);
        }
        double runningMillis = clock.millis();
        Map<String, Double> cpuRunning = ProcessCpu.delta(cpu0, ProcessCpu.snapshot(pids));
        List<GenericKubernetesResource> all = machines(client);
        List<MachineRefs> refs = all.stream().filter(m -> !before.contains(m.getMetadata().getName())
                && !deleting.contains(m.getMetadata().getName()) && m.getMetadata().getDeletionTimestamp() == null)
            .map(m -> new MachineRefs(m.getMetadata().getName(),
                String.valueOf(DocumentTrees.at(m.getAdditionalProperties(), "spec", "bootstrap", "configRef", "name")),
                String.valueOf(DocumentTrees.at(m.getAdditionalProperties(), "spec", "infrastructureRef", "name"))))
            .sorted(java.util.Comparator.comparing(MachineRefs::machine)).toList();
        Map<String, Map<Milestone, Double>> joined = timelines.join(refs);
        int running = (int) joined.values().stream().filter(x -> x.containsKey(Milestone.RUNNING)).count();
        Map<String, Long> hwm = new LinkedHashMap<>();
        pids.forEach((name, pid) -> hwm.put(name, ProcessCpu.statusKib(pid, "VmHWM:")));
        Map<String, Integer> perHost = new TreeMap<>();
        for (GenericKubernetesResource k : client.genericKubernetesResources(INFRA, "KVMMachine").inNamespace(NAMESPACE)
            .list().getItems()) {
          Object fd = DocumentTrees.at(k.getAdditionalProperties(), "status", "failureDomain");
          perHost.merge(String.valueOf(fd), 1, Integer::sum);
        }
        long reconciles = provider.reconciles() - reconciles0;
        Instant t0 = clock.startInstant();
        AuditTally toProvisioned = AuditTally.read(auditLog, t0, t0.plusNanos((long) (provisioned * 1e6)));
        AuditTally toRunning = AuditTally.read(auditLog, t0, t0.plusNanos((long) (runningMillis * 1e6)));
        List<String> coreLines = MachineSetLog.read(coreLog, coreLogLines0);
        return new CapiRun(provisioned, runningMillis, running, joined, cpuProvisioned, cpuRunning, hwm, toProvisioned,
            toRunning, reconciles, perHost, MachineTimelines.last(joined, Milestone.PROVISIONED), capi.version(),
            apiVersion, provider.jvm(), settle, MachineSetLog.batches(coreLines), MachineSetLog.deadlineErrors(coreLines),
            deleting.stream().filter(n -> !before.contains(n)).sorted().toList());
      } finally {
        informers.forEach(SharedIndexInformer::close);
      }
    }
  }

  /** Milliseconds since the scale patch, on the monotonic clock; wall-clock instants converted through its start. */
  static final class Clock {
    private volatile long start0 = Long.MAX_VALUE;
    private volatile Instant startInstant;

    void start() {
      startInstant = Instant.now();
      start0 = System.nanoTime();
    }

    Instant startInstant() {
      return startInstant;
    }

    double millis() {
      return (System.nanoTime() - start0) / 1e6;
    }

    double millisAt(Instant at) {
      return Duration.between(startInstant, at).toNanos() / 1e6;
    }

    boolean started() {
      return start0 != Long.MAX_VALUE;
    }
  }

  interface Marker {
    /** {@code added}: true for an add, false for an update, null for a delete. */
    void seen(GenericKubernetesResource o, Boolean added);
  }

  static SharedIndexInformer<GenericKubernetesResource> inform(KubernetesClient client, String apiVersion,
                                                              String kind, Marker marker) {
    return client.genericKubernetesResources(apiVersion, kind).inNamespace(NAMESPACE).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource o) {
        marker.seen(o, true);
      }

      @Override
      public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource o) {
        marker.seen(o, false);
      }

      @Override
      public void onDelete(GenericKubernetesResource o, boolean unknown) {
        marker.seen(o, null);
      }
    });
  }

  static void markMachine(MachineTimelines t, Map<String, String> providerIds, Clock clock,
                          GenericKubernetesResource m, boolean added) {
    if (!clock.started()) {
      return;
    }
    double now = clock.millis();
    String name = m.getMetadata().getName();
    Map<String, Object> p = m.getAdditionalProperties();
    if (added) {
      t.mark("Machine", name, Milestone.MACHINE_CREATED, now);
    }
    if (DocumentTrees.at(p, "spec", "bootstrap", "dataSecretName") != null) {
      t.mark("Machine", name, Milestone.MACHINE_BOOTSTRAP, now);
    }
    Object pid = DocumentTrees.at(p, "spec", "providerID");
    if (pid != null) {
      providerIds.put(name, pid.toString());
      t.mark("Machine", name, Milestone.MACHINE_PROVIDER_ID, now);
    }
    String phase = String.valueOf(DocumentTrees.at(p, "status", "phase"));
    if (phase.equals("Provisioned") || phase.equals("Running")) {
      t.mark("Machine", name, Milestone.PROVISIONED, now);
    }
    if (phase.equals("Running")) {
      t.mark("Machine", name, Milestone.RUNNING, now);
    }
  }

  static void markConfig(MachineTimelines t, Clock clock, GenericKubernetesResource c, boolean added) {
    if (!clock.started()) {
      return;
    }
    double now = clock.millis();
    String name = c.getMetadata().getName();
    if (added) {
      t.mark("KubeadmConfig", name, Milestone.BOOTSTRAP_CONFIG_CREATED, now);
    }
    Map<String, Object> p = c.getAdditionalProperties();
    if (DocumentTrees.at(p, "status", "dataSecretName") != null
        || Boolean.TRUE.equals(DocumentTrees.at(p, "status", "initialization", "dataSecretCreated"))) {
      t.mark("KubeadmConfig", name, Milestone.BOOTSTRAP_DATA, now);
    }
  }

  static void markKvm(MachineTimelines t, Clock clock, GenericKubernetesResource k, boolean added) {
    if (!clock.started()) {
      return;
    }
    double now = clock.millis();
    String name = k.getMetadata().getName();
    if (added) {
      t.mark("KVMMachine", name, Milestone.KVM_MACHINE_CREATED, now);
    }
    Map<String, Object> p = k.getAdditionalProperties();
    if (DocumentTrees.at(p, "spec", "providerID") != null) {
      t.mark("KVMMachine", name, Milestone.KVM_CLAIMED, now);
    }
    if (Boolean.TRUE.equals(DocumentTrees.at(p, "status", "initialization", "provisioned"))) {
      t.mark("KVMMachine", name, Milestone.KVM_PROVISIONED, now);
    }
  }

  static KubernetesClient clientAs(EmbeddedApiServer api, String agent) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.fromKubeconfig(api.kubeconfigYaml()))
        .withUserAgent(agent + "/bench").build()).build();
  }

  static CapiControllers startCapi(EmbeddedApiServer api, Path work) {
    long t = System.nanoTime();
    CapiControllers c = CapiControllers.start(api, work.resolve("capi"));
    System.out.printf(Locale.ROOT, "CAPI managers ready in %.1f s%n", (System.nanoTime() - t) / 1e9);
    return c;
  }

  /** A KVMHost as a platform admin writes it: a test-driver node, pool and network "default", the base image. */
  static String createHost(KubernetesClient client, String name, String uri) {
    KVMHostSpec s = new KVMHostSpec();
    s.setUri(uri);
    s.setStoragePool("default");
    s.setNetwork("default");
    s.setBaseImages(List.of(LibvirtTestNode.BASE_IMAGE));
    s.setAllowedNamespaces(new AllowedNamespaces());
    s.getAllowedNamespaces().setList(List.of(NAMESPACE));
    KVMHost h = new KVMHost();
    h.setMetadata(new ObjectMetaBuilder().withName(name).build());
    h.setSpec(s);
    client.resource(h).create();
    return name;
  }

  /**
   * The cluster, rendered by capkit from a one-file fleet: one control-plane machine, one worker, workers the size of
   * bench/provider's machines (2 CPUs, 4 GiB, 20 + 40 GB disks), on the bench's hosts, its endpoint a free loopback
   * address where the stand-in API server will answer.
   */
  static RenderedCluster render(List<String> hosts) {
    String endpoint = loopbackEndpoint();
    String file = "management-clusters/mc-bench/organizations/" + NAMESPACE + "/workload-clusters/" + CLUSTER
        + "/cluster.yaml";
    String yaml = "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata:\n  name: " + CLUSTER
        + "\n  namespace: " + NAMESPACE + "\nspec:\n  release: v1.1.0\n  flavor: kvm\n  controlPlaneEndpoint:\n"
        + "    host: " + endpoint + "\n    port: 6443\n  variables:\n    CONTROL_PLANE_MACHINE_COUNT: 1\n"
        + "    WORKER_MACHINE_COUNT: 1\n    WORKER_MACHINE_CPUS: 2\n    WORKER_MACHINE_MEMORY: 4Gi\n"
        + "    VOLUME_SIZE_GB: 20\n    DOCKER_VOLUME_SIZE_GB: 40\n    KVM_BASE_IMAGE: " + LibvirtTestNode.BASE_IMAGE
        + "\n    KVM_HOSTS: " + String.join(",", hosts) + "\n";
    var result = Renderer.standard().render(MemoryTree.ofText("bench", Map.of(file, yaml)), "bench",
        DirectoryTree.open(CrdSources.repoRoot().resolve("releases")), "releases");
    if (result.clusters().size() != 1) {
      throw new IllegalStateException("rendering the bench cluster gave " + result.clusters().size() + " clusters: "
          + result.warnings());
    }
    return result.clusters().get(0);
  }

  /** A loopback address (127.18.x.y) whose port 6443 is free, for the stand-in workload API server. */
  static String loopbackEndpoint() {
    for (int attempt = 0; attempt < 50; attempt++) {
      String host = "127.18." + ThreadLocalRandom.current().nextInt(0, 255) + "."
          + ThreadLocalRandom.current().nextInt(2, 255);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getByName(host), 6443));
        return host;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free loopback address with port 6443 found");
  }

  static void apply(KubernetesClient client, RenderedCluster c) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    ServerSideApply ssa = new ServerSideApply(client, "capkit-bench-capi");
    List<KubeObject> all = new ArrayList<>(c.sources());
    all.addAll(c.objects());
    all.forEach(x -> ssa.apply(x.document(), false));
  }

  static List<GenericKubernetesResource> machines(KubernetesClient client) {
    return client.genericKubernetesResources(CAPI, "Machine").inNamespace(NAMESPACE)
        .withLabel("cluster.x-k8s.io/cluster-name", CLUSTER).list().getItems();
  }

  static String phase(GenericKubernetesResource m) {
    return String.valueOf(DocumentTrees.at(m.getAdditionalProperties(), "status", "phase"));
  }

  static void await(String what, Duration timeout, CapiControllers capi, StandInWorkloadClusters workloads, Path work,
                    Supplier<Object> check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.get() != null) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what
        + "; CAPI managers running: " + capi.running() + "; stand-in errors: " + workloads.errors() + "; logs in "
        + work);
  }

  /**
   * The processes whose CPU the report counts, by role: the harness itself (its watches and the stand-in kubelets),
   * the provider JVM and every process this JVM started, told apart by command line.
   */
  static Map<String, Long> pids(Path work, long providerPid) {
    Map<String, Long> out = new LinkedHashMap<>();
    String standIn = work.resolve("workloads").toString();
    ProcessHandle.current().descendants().forEach(ph -> {
      String cmd = ProcessCpu.commandLine(ph.pid());
      String exe = cmd.isEmpty() ? "" : cmd.split(" ")[0];
      String base = exe.substring(exe.lastIndexOf('/') + 1);
      String name = switch (base) {
        case "capi-manager", "kubeadm-bootstrap-manager", "kubeadm-control-plane-manager" -> base;
        case "kube-apiserver" -> cmd.contains("--etcd-prefix=/stand-in/") ? "stand-in kube-apiserver (workload)"
            : "kube-apiserver";
        case "etcd" -> cmd.contains(standIn) ? "stand-in etcd (workload)" : "etcd";
        default -> null;
      };
      if (name != null) {
        out.merge(name, ph.pid(), (a, b) -> a); // one of each role; a second would be a bug in the set-up
      }
    });
    out.put("provider (capkit, own JVM)", providerPid);
    out.put("harness (watches, stand-in kubelets)", ProcessHandle.current().pid());
    return out;
  }

  static String progress(CapiRun r, Options o) {
    return String.format(Locale.ROOT, "CAPI scale-up: %d Machines Provisioned after %.1f s, %d Running after %.1f s%n",
        o.machines(), r.provisionedMillis() / 1000, r.running(), r.runningMillis() / 1000);
  }

  /** capkit's provider in its own JVM with bench/provider's flags, watching one namespace; stopped on close. */
  static final class ProviderProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String jvm;
    private final Thread hook;

    private ProviderProcess(Process process, int port, String jvm) {
      this.process = process;
      this.port = port;
      this.jvm = jvm;
      this.hook = new Thread(process::destroyForcibly, "stop-provider");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    static ProviderProcess start(EmbeddedApiServer api, Path work, String namespace) throws Exception {
      Path kubeconfig = work.resolve("provider-kubeconfig");
      Files.createFile(kubeconfig, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(kubeconfig, api.kubeconfigYaml());
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      String jvm = ProvisionPeer.JVM_FLAGS;
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      cmd.addAll(List.of(jvm.trim().split("\\s+")));
      cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-cp", System.getProperty("java.class.path"), "io.capkit.provider.runtime.ProviderMain",
          "--bind-address", "127.0.0.1", "--http-port", Integer.toString(port), "--namespace", namespace,
          "--reconcile-threads", Integer.toString(ProvisionPeer.RECONCILE_THREADS),
          "--test-driver-dir", work.toAbsolutePath().toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(work.resolve("provider.log").toFile());
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("MALLOC_ARENA_MAX", ProvisionPeer.MALLOC_ARENA_MAX);
      ProviderProcess p = new ProviderProcess(pb.start(), port, jvm + ", MALLOC_ARENA_MAX="
          + ProvisionPeer.MALLOC_ARENA_MAX + ", " + ProvisionPeer.RECONCILE_THREADS
          + " reconcile threads");
      try {
        p.awaitReady(work);
      } catch (RuntimeException | InterruptedException e) {
        p.close();
        throw e;
      }
      return p;
    }

    long pid() {
      return process.pid();
    }

    String jvm() {
      return jvm;
    }

    private void awaitReady(Path work) throws InterruptedException {
      ProviderReadiness.await(HttpClient.newHttpClient(), port, process, work.resolve("provider.log"),
          Duration.ofSeconds(90));
    }

    /** KVMMachine reconciles so far, from JOSDK's timer in the provider's metrics. */
    long reconciles() throws Exception {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      return Math.round(PromText.sum(body,
          "operator_sdk_controllers_execution_reconcile_seconds_count{controller=\"kvmmachinereconciler\""));
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }
}
