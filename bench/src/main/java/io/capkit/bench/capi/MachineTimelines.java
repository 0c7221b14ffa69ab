package io.capkit.bench.capi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each new Machine of a scale-up, and the objects CAPI made for it (its KubeadmConfig and KVMMachine), first
 * reached each milestone, in milliseconds since the scale patch; and the percentiles over the machines of each
 * milestone and of each stage between two milestones. Marks are recorded per object (kind and name) as the watches
 * see them and joined to their Machine afterwards through the Machine's references, so the order in which the
 * objects appear does not matter. Pure: the harness feeds it, the test checks it.
 */
public final class MachineTimelines {
  /** What happened to one machine, in the order a scale-up normally goes; who does it in {@link #owner()}. */
  public enum Milestone {
    MACHINE_CREATED("Machine created", "CAPI core (MachineDeployment, MachineSet)"),
    BOOTSTRAP_CONFIG_CREATED("KubeadmConfig created", "CAPI core (MachineSet)"),
    KVM_MACHINE_CREATED("KVMMachine created", "CAPI core (MachineSet)"),
    BOOTSTRAP_DATA("KubeadmConfig bootstrap data Secret written", "kubeadm bootstrap"),
    MACHINE_BOOTSTRAP("Machine spec.bootstrap.dataSecretName set", "CAPI core (Machine)"),
    KVM_CLAIMED("KVMMachine spec.providerID set (host claimed)", "provider"),
    KVM_PROVISIONED("KVMMachine status.initialization.provisioned", "provider"),
    MACHINE_PROVIDER_ID("Machine spec.providerID set", "CAPI core (Machine)"),
    PROVISIONED("Machine phase Provisioned (or later)", "CAPI core (Machine)"),
    NODE_JOINED("Node registered in the workload cluster", "stand-in kubelet (harness)"),
    RUNNING("Machine phase Running", "CAPI core (Machine)");

    private final String label;
    private final String owner;

    Milestone(String label, String owner) {
      this.label = label;
      this.owner = owner;
    }

    public String label() {
      return label;
    }

    public String owner() {
      return owner;
    }
  }

  /** Count, percentiles and extremes of a set of durations in milliseconds; empty sets have count 0 and NaNs. */
  public record Stats(int count, double p50, double p90, double p99, double min, double max, double mean) {
    static Stats of(List<Double> values) {
      List<Double> v = new ArrayList<>(values);
      Collections.sort(v);
      if (v.isEmpty()) {
        return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      double sum = 0;
      for (double d : v) {
        sum += d;
      }
      return new Stats(v.size(), percentile(v, 50), percentile(v, 90), percentile(v, 99), v.get(0),
          v.get(v.size() - 1), sum / v.size());
    }
  }

  /** One machine: the names of its KubeadmConfig and KVMMachine, from its spec references. */
  public record MachineRefs(String machine, String bootstrapConfig, String infraMachine) {}

  private final Map<String, Map<Milestone, Double>> marks = new ConcurrentHashMap<>();

  /** Notes that object {@code kind/name} reached {@code m} at {@code millis} (the first mark of each wins). */
  public void mark(String kind, String name, Milestone m, double millis) {
    marks.computeIfAbsent(kind + "/" + name, k -> Collections.synchronizedMap(new EnumMap<>(Milestone.class)))
        .putIfAbsent(m, millis);
  }

  /** Whether {@code kind/name} has reached {@code m}. */
  public boolean reached(String kind, String name, Milestone m) {
    Map<Milestone, Double> x = marks.get(kind + "/" + name);
    return x != null && x.containsKey(m);
  }

  /** The names of the objects of {@code kind} marked so far. */
  public List<String> names(String kind) {
    String prefix = kind + "/";
    return marks.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length())).sorted()
        .toList();
  }

  /** Each machine's milestones, its objects' marks joined through its references; machines in the order given. */
  public Map<String, Map<Milestone, Double>> join(List<MachineRefs> machines) {
    Map<String, Map<Milestone, Double>> out = new LinkedHashMap<>();
    for (MachineRefs r : machines) {
      Map<Milestone, Double> all = new EnumMap<>(Milestone.class);
      for (String key : new String[] {"Machine/" + r.machine(), "KubeadmConfig/" + r.bootstrapConfig(),
          "KVMMachine/" + r.infraMachine()}) {
        Map<Milestone, Double> m = marks.get(key);
        if (m != null) {
          synchronized (m) {
            m.forEach(all::putIfAbsent);
          }
        }
      }
      out.put(r.machine(), all);
    }
    return out;
  }

  /** When the machines reached {@code m}, since the scale patch. */
  public static Stats milestone(Map<String, Map<Milestone, Double>> joined, Milestone m) {
    List<Double> v = new ArrayList<>();
    joined.values().forEach(x -> {
      if (x.containsKey(m)) {
        v.add(x.get(m));
      }
    });
    return Stats.of(v);
  }

  /** How long each machine took from {@code from} to {@code to} (machines that reached both). */
  public static Stats stage(Map<String, Map<Milestone, Double>> joined, Milestone from, Milestone to) {
    List<Double> v = new ArrayList<>();
    joined.values().forEach(x -> {
      if (x.containsKey(from) && x.containsKey(to)) {
        v.add(x.get(to) - x.get(from));
      }
    });
    return Stats.of(v);
  }

  /** The machine that reached {@code m} last, or null when none did. */
  public static String last(Map<String, Map<Milestone, Double>> joined, Milestone m) {
    String name = null;
    double at = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, Map<Milestone, Double>> e : joined.entrySet()) {
      Double t = e.getValue().get(m);
      if (t != null && t > at) {
        at = t;
        name = e.getKey();
      }
    }
    return name;
  }

  /**
   * Nearest-rank percentile of ascending {@code sorted} values: the smallest value with at least {@code p} percent
   * of the values at or below it (p in (0, 100]).
   */
  public static double percentile(List<Double> sorted, double p) {
    Objects.requireNonNull(sorted);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile " + p + " is not in (0, 100]");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(1, rank) - 1);
  }
}
