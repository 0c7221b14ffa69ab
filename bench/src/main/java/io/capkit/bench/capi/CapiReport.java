package io.capkit.bench.capi;

import io.capkit.bench.BenchHost;
import io.capkit.bench.capi.MachineTimelines.Milestone;
import io.capkit.bench.capi.MachineTimelines.Stats;
import io.capkit.bench.provider.ProvisionPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The "Real CAPI: MachineDeployment scale-up" section of bench/RESULTS.md. */
final class CapiReport {
  static final String HEADING = "Real CAPI: MachineDeployment scale-up";

  /** A stage between two milestones of one machine and who is working (or queued) in it. */
  record Stage(Milestone from, Milestone to, String who) {}

  /** The stages of the table, in the order a machine goes through them. */
  static final List<Stage> STAGES = List.of(
      new Stage(Milestone.BOOTSTRAP_CONFIG_CREATED, Milestone.BOOTSTRAP_DATA, "kubeadm bootstrap"),
      new Stage(Milestone.MACHINE_CREATED, Milestone.BOOTSTRAP_DATA, "kubeadm bootstrap"),
      new Stage(Milestone.BOOTSTRAP_DATA, Milestone.MACHINE_BOOTSTRAP, "CAPI core (Machine)"),
      new Stage(Milestone.KVM_MACHINE_CREATED, Milestone.KVM_CLAIMED,
          "provider, which first waits for the Machine and its bootstrap data"),
      new Stage(Milestone.MACHINE_BOOTSTRAP, Milestone.KVM_PROVISIONED, "provider"),
      new Stage(Milestone.KVM_CLAIMED, Milestone.KVM_PROVISIONED, "provider"),
      new Stage(Milestone.KVM_PROVISIONED, Milestone.MACHINE_PROVIDER_ID, "CAPI core (Machine)"),
      new Stage(Milestone.MACHINE_PROVIDER_ID, Milestone.PROVISIONED, "CAPI core (Machine)"),
      new Stage(Milestone.PROVISIONED, Milestone.NODE_JOINED, "stand-in kubelet (harness)"),
      new Stage(Milestone.NODE_JOINED, Milestone.RUNNING, "CAPI core (Machine, via the workload cluster)"));

  /**
   * One path through a machine's milestones to Provisioned, stage by stage; the means of its stages add up to the
   * mean time to Provisioned, so the shares say where a machine's time goes.
   */
  static final List<Stage> CHAIN = List.of(
      new Stage(null, Milestone.MACHINE_CREATED, "CAPI core: MachineDeployment → MachineSet → Machine (created one after another)"),
      new Stage(Milestone.MACHINE_CREATED, Milestone.BOOTSTRAP_DATA, "kubeadm bootstrap: join data"),
      new Stage(Milestone.BOOTSTRAP_DATA, Milestone.MACHINE_BOOTSTRAP, "CAPI core: bootstrap data onto the Machine"),
      new Stage(Milestone.MACHINE_BOOTSTRAP, Milestone.KVM_PROVISIONED, "provider: libvirt domain, volumes, seed ISO"),
      new Stage(Milestone.KVM_PROVISIONED, Milestone.PROVISIONED, "CAPI core: providerID, phase Provisioned"));

  private CapiReport() {}

  static String render(CapiScaleBench.Options o, CapiScaleBench.CapiRun r, ProvisionPeer.ProviderOnly peer,
                       ProvisionPeer.Direct direct, String loadBefore, String loadAfter) {
    Map<String, Map<Milestone, Double>> t = r.timelines();
    int cores = Runtime.getRuntime().availableProcessors();
    StringBuilder b = new StringBuilder("## " + HEADING + "\n\n");
    b.append(String.format(Locale.ROOT, "`bench/capi/run.sh` (harness `io.capkit.bench.capi.CapiScaleBench`): the"
        + " real Cluster API %s managers (core, kubeadm bootstrap, kubeadm control plane; built by"
        + " hack/ensure-capi.sh, each its own process with its webhooks registered), an embedded kube-apiserver %s +"
        + " etcd, capkit's KVM provider in its own JVM on %d libvirt test-driver hosts (KVMHost objects), and a"
        + " stand-in workload API server that plays kubeadm init and the kubelets (test-support"
        + " `StandInWorkloadClusters`). One cluster rendered by capkit (release v1.1.0, flavor kvm, 1 control-plane"
        + " machine, MachineDeployment at 1 worker) is brought up to Running; then the MachineDeployment is scaled by"
        + " %d with a merge patch of `spec.replicas`, as `kubectl scale` sends, and the harness's watches time the"
        + " new Machines (milestones are when the harness's watch saw the change; times from the patch).%n%n",
        r.capiVersion(), r.apiVersion(), o.hosts(), o.machines()));
    b.append("| measure | value |\n|---|---|\n");
    b.append(String.format(Locale.ROOT, "| %d new Machines Provisioned (phase Provisioned or later), from the scale"
        + " patch | **%.1f s** (target: measured, issue 18 — met) |%n", o.machines(), r.provisionedMillis() / 1000));
    b.append(String.format(Locale.ROOT, "| … and Running (stand-in Node Ready, CAPI's nodeRef) | %s |%n",
        r.running() == o.machines() ? String.format(Locale.ROOT, "%.1f s", r.runningMillis() / 1000)
            : r.running() + " of " + o.machines() + " after " + String.format(Locale.ROOT, "%.1f s",
                r.runningMillis() / 1000)));
    b.append(String.format(Locale.ROOT, "| the last Machine to be Provisioned | %s |%n", r.lastProvisioned()));
    Stats created = MachineTimelines.milestone(t, Milestone.MACHINE_CREATED);
    if (created.count() > 1) {
      b.append(String.format(Locale.ROOT, "| CAPI MachineSet: scale patch → first Machine seen; first → last Machine"
          + " seen | %.1f s; %.1f s (%d Machines created one after another: %.1f per s) |%n",
          created.min() / 1000, (created.max() - created.min()) / 1000, created.count(),
          (created.count() - 1) / ((created.max() - created.min()) / 1000)));
    }
    b.append(String.format(Locale.ROOT, "| CAPI MachineSet reconciles that created them (from capi-manager's log:"
        + " created of planned) | %s; %d ended by their deadline (CAPI v1.14 gives each reconcile 1 min) |%n",
        r.machineSetBatches().stream().map(x -> x.created() + " of " + x.planned()).collect(Collectors.joining(", ")),
        r.machineSetDeadlineErrors()));
    b.append(String.format(Locale.ROOT, "| Machines created and deleted again during the scale-up (not counted above) |"
        + " %s |%n", r.deleted().isEmpty() ? "none" : r.deleted().size() + ": " + String.join(", ", r.deleted())
        + " (a create that timed out on the client but was stored: the MachineSet overshot and scaled down)"));
    if (peer != null) {
      b.append(String.format(Locale.ROOT, "| peer: the same provider alone on %d KVMMachines created directly with"
          + " their Machines and bootstrap Secrets (bench/provider's run, CAPI stopped, fresh provider JVM) | %.1f s"
          + " (provider CPU %.1f s) |%n", o.machines(), peer.millis() / 1000.0, peer.providerCpuSeconds()));
      b.append(String.format(Locale.ROOT, "| ratio CAPI scale-up / provider alone, wall time | **%.1f×** |%n",
          r.provisionedMillis() / peer.millis()));
    }
    if (direct != null) {
      b.append(String.format(Locale.ROOT, "| peer: the same %d machines straight through the libvirt bindings,"
          + " sequential, no Kubernetes | %.1f s (CPU %.1f s) |%n", o.machines(), direct.millis() / 1000.0,
          direct.cpuSeconds()));
      b.append(String.format(Locale.ROOT, "| ratio CAPI scale-up / direct libvirt, wall time | %.0f× |%n",
          r.provisionedMillis() / direct.millis()));
    }
    double providerCpu = r.cpuToProvisioned().entrySet().stream().filter(e -> e.getKey().startsWith("provider"))
        .mapToDouble(Map.Entry::getValue).sum();
    if (peer != null) {
      b.append(String.format(Locale.ROOT, "| provider CPU per machine: under CAPI / alone | %.0f ms / %.0f ms |%n",
          providerCpu * 1000 / o.machines(), peer.providerCpuSeconds() * 1000 / o.machines()));
    }
    b.append(String.format(Locale.ROOT, "| provider: KVMMachine reconciles in the window | %d (%.1f per machine) |%n",
        r.reconciles(), (double) r.reconciles() / o.machines()));
    b.append(String.format(Locale.ROOT, "| machines per host | %s |%n", r.perHost()));
    b.append(String.format(Locale.ROOT, "| provider JVM | `%s` |%n", r.providerJvm()));
    b.append(String.format(Locale.ROOT, "| set-up: cluster applied to 1 control-plane + 1 worker Running | %s |%n",
        r.settle()));

    b.append("\n### Where a machine's time goes (mean over the machines; the stages add up to the mean time to"
        + " Provisioned)\n\n| stage | mean s | share |\n|---|---:|---:|\n");
    double total = 0;
    double[] means = new double[CHAIN.size()];
    for (int i = 0; i < CHAIN.size(); i++) {
      Stage s = CHAIN.get(i);
      means[i] = s.from() == null ? MachineTimelines.milestone(t, s.to()).mean()
          : MachineTimelines.stage(t, s.from(), s.to()).mean();
      total += means[i];
    }
    for (int i = 0; i < CHAIN.size(); i++) {
      b.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f %% |%n", CHAIN.get(i).who(), means[i] / 1000,
          100 * means[i] / total));
    }
    b.append(String.format(Locale.ROOT, "| total (mean time to Provisioned) | %.2f | |%n", total / 1000));

    b.append("\n### Milestones: seconds from the scale patch, over the new machines\n\n"
        + "| milestone | by | machines | p50 | p90 | max |\n|---|---|---:|---:|---:|---:|\n");
    for (Milestone m : Milestone.values()) {
      Stats s = MachineTimelines.milestone(t, m);
      b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", m.label(), m.owner(), s.count(),
          sec(s.p50()), sec(s.p90()), sec(s.max())));
    }
    b.append("\n### Stages: seconds per machine between two milestones\n\n"
        + "| from → to | who works (or waits in its queue) | p50 | p90 | max | mean |\n|---|---|---:|---:|---:|---:|\n");
    for (Stage st : STAGES) {
      Stats s = MachineTimelines.stage(t, st.from(), st.to());
      b.append(String.format(Locale.ROOT, "| %s → %s | %s | %s | %s | %s | %s |%n", st.from().label(), st.to().label(),
          st.who(), sec(s.p50()), sec(s.p90()), sec(s.max()), sec(s.mean())));
    }

    b.append(String.format(Locale.ROOT, "%n### CPU per process (user + system) from the scale patch%n%n"
        + "| process | to all Provisioned (%.1f s) | to all Running (%.1f s) | peak RSS (VmHWM) at the end |%n"
        + "|---|---:|---:|---:|%n", r.provisionedMillis() / 1000, r.runningMillis() / 1000));
    double sumP = 0;
    double sumR = 0;
    for (Map.Entry<String, Double> e : r.cpuToProvisioned().entrySet()) {
      double run = r.cpuToRunning().getOrDefault(e.getKey(), Double.NaN);
      sumP += e.getValue();
      sumR += run;
      b.append(String.format(Locale.ROOT, "| %s | %.1f s | %.1f s | %d MiB |%n", e.getKey(), e.getValue(), run,
          r.peakRssKib().getOrDefault(e.getKey(), 0L) / 1024));
    }
    b.append(String.format(Locale.ROOT, "| all of them | %.1f s (of %.1f s on %d cores) | %.1f s (of %.1f s) | |%n",
        sumP, r.provisionedMillis() / 1000 * cores, cores, sumR, r.runningMillis() / 1000 * cores));

    b.append("\n### API requests by client, from the scale patch to all Provisioned\n\n"
        + "From the management kube-apiserver's audit log (level Metadata, one event per request; the client is the"
        + " first word of its User-Agent). \"Server time\" sums the API server's answer time of the client's"
        + " requests (watches counted once, their open time not summed).\n\n"
        + "| client | requests | per machine | server time | requests to all Running | most frequent |\n"
        + "|---|---:|---:|---:|---:|---|\n");
    for (Map.Entry<String, AuditTally.Client> e : r.requestsToProvisioned().byRequests()) {
      AuditTally.Client c = e.getValue();
      AuditTally.Client toRun = r.requestsToRunning().clients().get(e.getKey());
      b.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f s | %d | %s |%n", e.getKey(), c.requests(),
          (double) c.requests() / o.machines(), c.serverMillis() / 1000, toRun == null ? 0 : toRun.requests(),
          c.top(5).stream().map(x -> x.getKey() + " " + x.getValue()).collect(Collectors.joining(", "))));
    }
    b.append(String.format(Locale.ROOT, "| all | %d | %.1f | | %d | |%n", r.requestsToProvisioned().total(),
        (double) r.requestsToProvisioned().total() / o.machines(), r.requestsToRunning().total()));

    b.append("\nWhere the API server's time went on the slow requests it breaks down (it annotates requests over"
        + " about 500 ms with `apiserver.latency.k8s.io/*`; sums in seconds, same window):\n\n"
        + "| client | slow requests | total | mutating webhooks | validating webhooks | etcd | serialize + write"
        + " response |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, AuditTally.Client> e : r.requestsToProvisioned().byRequests()) {
      AuditTally.Client c = e.getValue();
      if (c.brokenDown() == 0) {
        continue;
      }
      Map<String, Double> l = c.latencyMillis();
      b.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", e.getKey(),
          c.brokenDown(), l.getOrDefault("total", 0.0) / 1000, l.getOrDefault("mutating-webhook", 0.0) / 1000,
          l.getOrDefault("validating-webhook", 0.0) / 1000, l.getOrDefault("etcd", 0.0) / 1000,
          (l.getOrDefault("serialize-response-object", 0.0) + l.getOrDefault("response-write", 0.0)) / 1000));
    }

    b.append(reading(o, r, peer, means, total));

    b.append(String.format(Locale.ROOT, "%nMachine: %s, %d cores, %d GiB RAM, Linux %s, Java %s. Everything above"
        + " (API server, etcd, three CAPI managers, provider, stand-in workload API server, harness) shares these"
        + " cores with each other and with other jobs on this machine: 1/5/15-minute load average %s before the run,"
        + " %s after.%n", BenchHost.cpuModel(), cores, memGib(), read("/proc/sys/kernel/osrelease"),
        System.getProperty("java.version"), loadBefore, loadAfter));
    return b.toString();
  }

  /** What the figures above say, computed from them (the same sentences hold on any run). */
  static String reading(CapiScaleBench.Options o, CapiScaleBench.CapiRun r, ProvisionPeer.ProviderOnly peer,
                        double[] chainMeans, double chainTotal) {
    StringBuilder b = new StringBuilder("\n### Reading\n\n");
    Stats created = MachineTimelines.milestone(r.timelines(), Milestone.MACHINE_CREATED);
    b.append(String.format(Locale.ROOT, "- **Time**: %.0f %% of a machine's mean time to Provisioned is waiting to be"
        + " created: CAPI v1.14's MachineSet creates the missing Machines one after another within a reconcile (per"
        + " machine a server-side apply of the KubeadmConfig, the KVMMachine and the Machine, each through CAPI's own"
        + " webhooks, then a wait for its cache; a reconcile that runs past its 1-minute deadline fails and the next"
        + " one goes on), %.1f per second here, so the last Machine appears %.1f s after the"
        + " patch. The provider's stage (bootstrap data on the Machine → KVMMachine provisioned) is %.0f %%; kubeadm"
        + " bootstrap's %.0f %%.%n", 100 * chainMeans[0] / chainTotal,
        created.count() > 1 ? (created.count() - 1) / ((created.max() - created.min()) / 1000) : Double.NaN,
        created.max() / 1000, 100 * chainMeans[3] / chainTotal, 100 * chainMeans[1] / chainTotal));
    double all = r.cpuToProvisioned().values().stream().mapToDouble(Double::doubleValue).sum();
    double api = sum(r.cpuToProvisioned(), "kube-apiserver") + sum(r.cpuToProvisioned(), "etcd");
    double capi = sum(r.cpuToProvisioned(), "capi-manager") + sum(r.cpuToProvisioned(), "kubeadm-");
    double provider = sum(r.cpuToProvisioned(), "provider");
    double standIn = sum(r.cpuToProvisioned(), "stand-in") + sum(r.cpuToProvisioned(), "harness");
    b.append(String.format(Locale.ROOT, "- **CPU**: of %.1f s used by these processes, the management API server and"
        + " its etcd took %.1f s (%.0f %%), the three CAPI managers %.1f s (%.0f %%), the provider %.1f s (%.0f %%), the"
        + " harness with the stand-in workload cluster %.1f s (%.0f %%). The processes got %.0f %% of the %d cores"
        + " over the window (the rest went to other jobs on the machine), so the wall time is mostly waiting for a"
        + " core.%n", all, api, 100 * api / all, capi, 100 * capi / all, provider, 100 * provider / all, standIn,
        100 * standIn / all, 100 * all / (r.provisionedMillis() / 1000 * Runtime.getRuntime().availableProcessors()),
        Runtime.getRuntime().availableProcessors()));
    AuditTally req = r.requestsToProvisioned();
    long capiRequests = req.clients().entrySet().stream().filter(e -> e.getKey().equals("capi-manager")
        || e.getKey().startsWith("kubeadm-")).mapToLong(e -> e.getValue().requests()).sum();
    AuditTally.Client core = req.clients().get("capi-manager");
    AuditTally.Client prov = req.clients().get("capkit-kvm-provider");
    AuditTally.Client stand = req.clients().get(CapiScaleBench.STAND_IN_AGENT);
    b.append(String.format(Locale.ROOT, "- **Requests**: the CAPI managers sent %.1f per machine (the core manager"
        + " %.1f, %d of them Machine status patches), the provider %.1f (%d status patches, %d bootstrap Secret"
        + " GETs)%s.%n", (double) capiRequests / o.machines(),
        core == null ? 0.0 : (double) core.requests() / o.machines(),
        core == null ? 0 : core.byRequest().getOrDefault("patch machines/status", 0L),
        prov == null ? 0.0 : (double) prov.requests() / o.machines(),
        prov == null ? 0 : prov.byRequest().getOrDefault("patch kvmmachines/status", 0L),
        prov == null ? 0 : prov.byRequest().getOrDefault("get secrets", 0L),
        stand == null || stand.requests() == 0 ? "; the stand-in kubelets read Machines from a watch cache and sent"
            + " no request" : String.format(Locale.ROOT, "; the stand-in's %d requests are test apparatus, not part"
            + " of a real deployment", stand.requests())));
    if (peer != null) {
      b.append(String.format(Locale.ROOT, "- **Provider under CAPI vs alone**: %.1f vs %.1f KVMMachine reconciles per"
          + " machine, %.0f vs %.0f ms of provider CPU per machine. Under CAPI the KVMMachine exists before its"
          + " Machine and the Machine gets its bootstrap data later, so the provider reconciles (and writes a waiting"
          + " status) on each of those steps; CAPI's own patches of each KVMMachine (labels, owner reference) are"
          + " update events too. Machine changes the provider does not read (CAPI copying the providerID back, status)"
          + " no longer start a reconcile, and the bootstrap Secret (not cached) is read only to provision: a"
          + " reconcile that sees a claimed machine before it is provisioned reads it again.%n", (double) r.reconciles() / o.machines(),
          (double) peer.reconciles() / o.machines(), provider * 1000 / o.machines(),
          peer.providerCpuSeconds() * 1000 / o.machines()));
    }
    b.append("- **Caveats**: milestones are when the harness's watches saw a change (its CPU shares the cores too);"
        + " the API server writes an audit event per request (blocking log backend), which costs it some CPU and"
        + " latency; the provider under CAPI had already provisioned the set-up's two machines, the peer's provider"
        + " JVM is fresh; the stand-in plays kubeadm init and the kubelets (no machine boots).\n");
    return b.toString();
  }

  private static double sum(Map<String, Double> cpu, String prefix) {
    return cpu.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
  }

  private static String sec(double millis) {
    return Double.isNaN(millis) ? "–" : String.format(Locale.ROOT, "%.2f", millis / 1000);
  }

  private static long memGib() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          return Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown
    }
    return 0;
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
