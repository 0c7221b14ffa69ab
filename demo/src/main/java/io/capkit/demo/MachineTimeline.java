package io.capkit.demo;

import io.capkit.api.yaml.DocumentTrees;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows the CAPI Machines of some clusters, as read back from the API server, and notes when each first reached
 * phase Provisioned and Running (polled every 250 ms, from the moment the manifests were applied).
 */
final class MachineTimeline {
  private static final String CAPI = "cluster.x-k8s.io/v1beta2";
  private static final String INFRA = "infrastructure.cluster.x-k8s.io/v1alpha1";
  private static final Set<String> PROVISIONED_OR_LATER = Set.of("Provisioned", "Running");

  /** A cluster to follow: how many control-plane machines KCP is asked for, how many KVM workers its MachineDeployments. */
  record Cluster(String namespace, String name, int controlPlanes, int workers) {}

  /** One Machine: phase and what the infrastructure reported; times since apply, null when not (yet) reached. */
  record Row(String namespace, String cluster, String name, boolean controlPlane, String phase, String providerID,
             String failureDomain, Duration provisioned, Duration running) {}

  record Result(List<Row> rows, Duration firstControlPlaneProvisioned, Duration allWorkersRunning,
                int expectedWorkers, List<String> notes) {}

  private final KubernetesClient client;
  private final List<Cluster> clusters;
  private final long start;
  private final Map<String, Duration> provisioned = new HashMap<>();
  private final Map<String, Duration> running = new HashMap<>();

  MachineTimeline(KubernetesClient client, List<Cluster> clusters, long startNanos) {
    this.client = client;
    this.clusters = clusters;
    this.start = startNanos;
  }

  /** Polls until every cluster has a control-plane Machine Running and all its workers Running, or the timeout. */
  Result await(Duration timeout, Consumer<String> progress) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (true) {
      Result r = sample();
      String line = summary(r);
      if (!line.equals(last)) {
        progress.accept(String.format(Locale.ROOT, "%6.1f s  %s", (System.nanoTime() - start) / 1e9, line));
        last = line;
      }
      if (r.allWorkersRunning() != null && r.firstControlPlaneProvisioned() != null || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(250);
    }
  }

  private Result sample() {
    Duration now = Duration.ofNanos(System.nanoTime() - start);
    List<Row> rows = new ArrayList<>();
    for (Cluster c : clusters) {
      Map<String, String> domains = new HashMap<>();
      for (GenericKubernetesResource km : client.genericKubernetesResources(INFRA, "KVMMachine").inNamespace(c.namespace())
          .withLabel("cluster.x-k8s.io/cluster-name", c.name()).list().getItems()) {
        Object fd = DocumentTrees.at(km.getAdditionalProperties(), "status", "failureDomain");
        if (fd != null) {
          domains.put(km.getMetadata().getName(), fd.toString());
        }
      }
      for (GenericKubernetesResource m : client.genericKubernetesResources(CAPI, "Machine").inNamespace(c.namespace())
          .withLabel("cluster.x-k8s.io/cluster-name", c.name()).list().getItems()) {
        Map<String, Object> p = m.getAdditionalProperties();
        String key = c.namespace() + "/" + m.getMetadata().getName();
        String phase = String.valueOf(DocumentTrees.at(p, "status", "phase"));
        if (PROVISIONED_OR_LATER.contains(phase)) {
          provisioned.putIfAbsent(key, now);
        }
        if ("Running".equals(phase)) {
          running.putIfAbsent(key, now);
        }
        Object pid = DocumentTrees.at(p, "spec", "providerID");
        Object fd = DocumentTrees.at(p, "spec", "failureDomain");
        Object infra = DocumentTrees.at(p, "spec", "infrastructureRef", "name");
        String failureDomain = fd != null ? fd.toString() : domains.getOrDefault(String.valueOf(infra), "");
        rows.add(new Row(c.namespace(), c.name(), m.getMetadata().getName(),
            m.getMetadata().getLabels().containsKey("cluster.x-k8s.io/control-plane"), phase,
            pid == null ? "" : pid.toString(), failureDomain, provisioned.get(key), running.get(key)));
      }
    }
    rows.sort(Comparator.comparing((Row r) -> r.namespace() + "/" + r.cluster()).thenComparing(r -> !r.controlPlane())
        .thenComparing(Row::name));
    List<String> notes = new ArrayList<>();
    Duration firstCp = Duration.ZERO;
    Duration workersRunning = Duration.ZERO;
    int expected = 0;
    for (Cluster c : clusters) {
      List<Row> mine = rows.stream().filter(r -> r.namespace().equals(c.namespace()) && r.cluster().equals(c.name()))
          .toList();
      Duration cp = mine.stream().filter(r -> r.controlPlane() && r.provisioned() != null).map(Row::provisioned)
          .min(Comparator.naturalOrder()).orElse(null);
      Duration cpRunning = mine.stream().filter(r -> r.controlPlane() && r.running() != null).map(Row::running)
          .min(Comparator.naturalOrder()).orElse(null);
      List<Duration> workers = mine.stream().filter(r -> !r.controlPlane() && r.running() != null).map(Row::running)
          .sorted().toList();
      expected += c.workers();
      firstCp = cp == null || firstCp == null ? null : max(firstCp, cp);
      // The cluster is up when its control plane runs and as many workers run as its MachineDeployments ask for.
      Duration up = cpRunning == null || workers.size() < c.workers() ? null
          : c.workers() == 0 ? cpRunning : workers.get(c.workers() - 1);
      workersRunning = up == null || workersRunning == null ? null : max(workersRunning, up);
      long cps = mine.stream().filter(Row::controlPlane).count();
      notes.add(String.format(Locale.ROOT, "%s/%s: %d of %d control-plane Machines, the first Provisioned %s; %d/%d "
          + "workers Running", c.namespace(), c.name(), cps, c.controlPlanes(), format(cp), workers.size(), c.workers()));
    }
    return new Result(rows, firstCp, workersRunning, expected, notes);
  }

  private static String summary(Result r) {
    long machines = r.rows().size();
    long prov = r.rows().stream().filter(x -> x.provisioned() != null).count();
    long run = r.rows().stream().filter(x -> x.running() != null).count();
    return machines + " Machines, " + prov + " Provisioned, " + run + " Running";
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  static String format(Duration d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
