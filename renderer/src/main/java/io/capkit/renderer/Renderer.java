package io.capkit.renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.infra.KvmHostRules;
import io.capkit.api.contract.Contract;
import io.capkit.api.contract.Layer;
import io.capkit.api.contract.ResolvedVariables;
import io.capkit.api.contract.ValidatedLayers;
import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.fleet.WorkloadClusterSpec;
import io.capkit.api.source.SourceTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The renderer: (fleet tree, releases tree) → rendered clusters. Pure: reads only through {@link SourceTree},
 * no clock, no environment; the same input gives the same output on any machine. On any problem it renders
 * nothing and throws {@link InvalidInputException} with every problem found.
 */
public final class Renderer {
  public static final int DEFAULT_API_PORT = 6443;
  private final Contract contract;
  private final Flavors flavors;
  private final WorkloadClusterRules rules;

  public Renderer(Contract contract, Flavors flavors) {
    this.contract = contract;
    this.flavors = flavors;
    this.rules = new WorkloadClusterRules(contract);
    // The schema library builds its validators on first use; do it here, before clusters are validated in parallel.
    contract.validate(Map.of("WORKER_MACHINE_COUNT", 1));
  }

  public static Renderer standard() {
    return new Renderer(Contract.standard(), Flavors.standard());
  }

  public Contract contract() {
    return contract;
  }

  public RenderResult render(SourceTree fleet, SourceTree releases) {
    return render(fleet, "", releases, "");
  }

  /** Renders every cluster; {@code fleetLabel} and {@code releasesLabel} prefix file names in messages. */
  public RenderResult render(SourceTree fleet, String fleetLabel, SourceTree releases, String releasesLabel) {
    return new RenderResult(List.copyOf(renderEach(readInputs(fleet, fleetLabel, releases, releasesLabel), c -> c)));
  }

  /** The fleet and the releases, read and checked, before any cluster is rendered. */
  public record Fleet(List<FleetCluster> clusters, ReleaseCatalog catalog) {}

  /**
   * Receives each rendered cluster, on the worker thread that rendered it, as soon as it is encoded: {@code index}
   * is its place in the list of clusters being rendered. Called at most once per cluster, in no particular order,
   * from several threads at once; never after a problem was found in any cluster (nothing of a failed rendering
   * needs to be written).
   */
  @FunctionalInterface
  public interface ClusterSink {
    void accept(int index, OutputLayout.EncodedCluster cluster);

    /**
     * Receives the cluster as rendered, before it is encoded; by default encodes it for the method above. A sink that
     * needs the objects as well (capkit diff compares them without parsing its bytes) overrides this one.
     */
    default void accept(int index, RenderedCluster cluster) {
      accept(index, OutputLayout.encode(cluster));
    }
  }

  /** What a streamed rendering returns once every cluster went to its sink: how many, and their warnings. */
  public record Streamed(int clusters, List<String> warnings) {}

  /** Reads and checks the fleet and the releases; throws with every problem found. */
  public Fleet read(SourceTree fleet, String fleetLabel, SourceTree releases, String releasesLabel) {
    return readFleet(fleet, fleetLabel, releases, releasesLabel);
  }

  /** As {@link #read}, without a renderer: reading needs none, so a caller can build one meanwhile. */
  public static Fleet readFleet(SourceTree fleet, String fleetLabel, SourceTree releases, String releasesLabel) {
    Inputs in = readInputs(fleet, fleetLabel, releases, releasesLabel);
    return new Fleet(in.clusters, in.catalog);
  }

  /**
   * Renders {@code clusters} (the fleet's, or some of them, in fleet order) on one worker thread per core, each
   * handed to {@code sink} on its worker as it is encoded: at most one cluster per worker is in flight, nothing of
   * the whole fleet's output is held. Throws with every problem found when any cluster has one; from the first
   * problem on, clusters are still checked (all problems are reported) but no longer rendered or handed over. An
   * exception thrown by the sink stops the workers and is rethrown here once all of them stopped.
   */
  public Streamed renderEach(Fleet fleet, List<FleetCluster> clusters, ClusterSink sink) {
    return renderEach(fleet, clusters, Runtime.getRuntime().availableProcessors(), sink);
  }

  Streamed renderEach(Fleet fleet, List<FleetCluster> clusters, int threads, ClusterSink sink) {
    int n = clusters.size();
    // Management cluster and organization defaults are shared by many clusters: validate each once.
    Memo memo = new Memo(contract);
    @SuppressWarnings("unchecked")
    List<Problem>[] problems = new List[n];
    @SuppressWarnings("unchecked")
    List<String>[] warnings = new List[n];
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean invalid = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    Runnable work = () -> {
      int i;
      while (failure.get() == null && (i = next.getAndIncrement()) < n) {
        try {
          List<Problem> found = new ArrayList<>(0);
          Resolution r = resolve(clusters.get(i), fleet.catalog(), found, memo);
          if (r == null) {
            problems[i] = found;
            invalid.set(true);
          } else if (!invalid.get()) {
            warnings[i] = r.warnings;
            sink.accept(i, render(r));
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    };
    List<Thread> workers = new ArrayList<>();
    for (int t = 1; t < Math.min(threads, n); t++) {
      Thread w = new Thread(work, "capkit-render-" + t);
      w.setDaemon(true);
      w.start();
      workers.add(w);
    }
    work.run();
    boolean interrupted = false;
    for (Thread w : workers) {
      while (true) {
        try {
          w.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException e) {
      throw e;
    } else if (t instanceof Error e) {
      throw e;
    } else if (t != null) {
      throw new IllegalStateException(t);
    }
    List<Problem> all = new ArrayList<>();
    List<String> warned = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (problems[i] != null) {
        all.addAll(problems[i]);
      }
      if (warnings[i] != null) {
        warned.addAll(warnings[i]);
      }
    }
    // A bad value in a defaults file is found once per cluster below it; report it once.
    InvalidInputException.throwIfAny(all.stream().distinct().toList());
    return new Streamed(n, List.copyOf(warned));
  }

  /**
   * Resolves and renders every cluster, each finished by {@code finish} on the thread that rendered it, in fleet
   * order; throws with every problem found when any cluster has one.
   */
  private <T> List<T> renderEach(Inputs in, Function<RenderedCluster, T> finish) {
    // Management cluster and organization defaults are shared by many clusters: validate each once.
    Memo memo = new Memo(contract);
    // Clusters are independent: render them in parallel, keeping their order.
    List<Outcome<T>> outcomes = in.clusters.parallelStream().map(c -> {
      List<Problem> problems = new ArrayList<>(0);
      Resolution r = resolve(c, in.catalog, problems, memo);
      return new Outcome<>(r == null ? null : finish.apply(render(r)), problems);
    }).toList();
    List<Problem> problems = new ArrayList<>();
    List<T> out = new ArrayList<>(outcomes.size());
    for (Outcome<T> o : outcomes) {
      problems.addAll(o.problems);
      if (o.cluster != null) {
        out.add(o.cluster);
      }
    }
    // A bad value in a defaults file is found once per cluster below it; report it once.
    InvalidInputException.throwIfAny(problems.stream().distinct().toList());
    return out;
  }

  /** Where each variable of cluster {@code namespace/name} comes from. */
  public Explanation explain(SourceTree fleet, String fleetLabel, SourceTree releases, String releasesLabel,
                             String key) {
    Inputs in = readInputs(fleet, fleetLabel, releases, releasesLabel);
    FleetCluster c = in.clusters.stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow(() ->
        new InvalidInputException(Problem.at(null, "no cluster " + key + " in " + fleet.describe())));
    List<Problem> problems = new ArrayList<>();
    Resolution r = resolve(c, in.catalog, problems, new Memo(contract));
    InvalidInputException.throwIfAny(problems);
    List<Explanation.Row> rows = new ArrayList<>();
    rows.add(new Explanation.Row("release", r.release.name(), c.file() + " (spec.release)"));
    rows.add(new Explanation.Row("flavor", r.flavor.name(), r.flavorOrigin));
    rows.add(new Explanation.Row("controlPlaneEndpoint", r.plan.endpointHost() + ":" + r.plan.endpointPort(),
        r.endpointOrigin));
    rows.addAll(r.flavor.explain(r.plan));
    r.variables.entries().forEach((name, v) -> {
      String origin;
      if (name.equals("NAMESPACE")) {
        origin = c.namespaceOrigin();
      } else if (name.equals("KUBERNETES_VERSION")) {
        origin = "release " + r.release.name() + " (" + r.release.file() + ")";
      } else if (v.from().name().equals("contract")) {
        origin = "contract default";
      } else {
        origin = v.from().name() + " (" + v.from().origin() + ")";
      }
      rows.add(new Explanation.Row(name, String.valueOf(v.value()), origin));
    });
    return new Explanation(key, rows);
  }

  private record Outcome<T>(T cluster, List<Problem> problems) {}

  private record Inputs(List<FleetCluster> clusters, ReleaseCatalog catalog) {}

  private static Inputs readInputs(SourceTree fleet, String fleetLabel, SourceTree releases, String releasesLabel) {
    List<Problem> problems = new ArrayList<>();
    ReleaseCatalog catalog = null;
    List<FleetCluster> clusters = List.of();
    // The releases do not depend on the fleet: read on a thread of their own meanwhile (trees are read concurrently
    // anyway: FleetReader parses cluster files in parallel). Problems keep their order: the releases' first.
    Background<ReleaseCatalog> releasesRead = Background.start("capkit-read-releases",
        () -> ReleaseCatalog.read(releases, releasesLabel));
    List<Problem> fleetProblems = List.of();
    try {
      clusters = FleetReader.read(fleet, fleetLabel);
    } catch (InvalidInputException e) {
      fleetProblems = e.problems();
    }
    try {
      catalog = releasesRead.get();
    } catch (InvalidInputException e) {
      problems.addAll(e.problems());
    }
    problems.addAll(fleetProblems);
    InvalidInputException.throwIfAny(problems);
    return new Inputs(clusters, catalog);
  }

  private record Resolution(FleetCluster cluster, ReleaseInfo release, Flavor flavor, String flavorOrigin,
                            ResolvedVariables variables, ClusterPlan plan, String endpointOrigin,
                            List<String> warnings) {}

  /**
   * What one rendering remembers across its clusters, all pure functions of values that many clusters share: each
   * defaults layer's own problems, and the release rules per (flavor, release) of the catalog.
   */
  private static final class Memo {
    final ValidatedLayers layers;
    final java.util.concurrent.ConcurrentHashMap<String, ReleaseCheck> releases =
        new java.util.concurrent.ConcurrentHashMap<>();

    Memo(Contract contract) {
      layers = new ValidatedLayers(contract);
    }
  }

  private record ReleaseCheck(List<Problem> problems, List<String> warnings) {}

  // WorkloadClusterRules.checkRelease reads spec.flavor and spec.release only: its result for a release of the
  // catalog is remembered per pair (bounded by flavors x releases; a name the catalog lacks is checked each time).
  private ReleaseCheck checkRelease(WorkloadClusterSpec spec, ReleaseCatalog catalog, Memo memo) {
    Function<String, java.util.Optional<io.capkit.api.release.Release>> lookup =
        name -> catalog.find(name).map(ReleaseInfo::release);
    if (spec.getRelease() == null || catalog.find(spec.getRelease()).isEmpty()) {
      List<String> warnings = new ArrayList<>();
      List<Problem> problems = rules.checkRelease(spec, lookup, warnings);
      return new ReleaseCheck(problems, warnings);
    }
    return memo.releases.computeIfAbsent(spec.getFlavor() + "\0" + spec.getRelease(), k -> {
      List<String> warnings = new ArrayList<>();
      List<Problem> problems = rules.checkRelease(spec, lookup, warnings);
      return new ReleaseCheck(List.copyOf(problems), List.copyOf(warnings));
    });
  }

  private Resolution resolve(FleetCluster c, ReleaseCatalog catalog, List<Problem> problems, Memo memo) {
    int before = problems.size();
    WorkloadClusterSpec spec = c.cluster().getSpec();
    List<String> warnings = new ArrayList<>();
    // The rules on the cluster object itself, as the webhook and capkit validate apply them; variables follow below,
    // after the fleet's defaults are layered.
    rules.validateObject(c.cluster()).forEach(p -> problems.add(p.inFile(c.file())));
    ReleaseCheck releaseCheck = checkRelease(spec, catalog, memo);
    releaseCheck.problems().forEach(p -> problems.add(p.inFile(c.file())));
    // A StringBuilder, not +: a cluster with a warning may be the first to reach this line in a process, and a string
    // concatenation the class-data archive has not seen resolved is a class made at run time (capkit render, one edit).
    releaseCheck.warnings().forEach(w -> warnings.add(new StringBuilder(c.file()).append(": spec.release: ").append(w)
        .append(" (").append(c.key()).append(')').toString()));
    ReleaseInfo release = spec.getRelease() == null ? null : catalog.find(spec.getRelease()).orElse(null);
    String flavorName = spec.getFlavor() == null ? WorkloadClusterRules.DEFAULT_FLAVOR : spec.getFlavor();
    String flavorOrigin = spec.getFlavor() == null ? "default" : c.file() + " (spec.flavor)";
    Flavor flavor = WorkloadClusterRules.FLAVORS.contains(flavorName) ? flavors.find(flavorName).orElseThrow() : null;
    Map<String, Object> derivedValues = new LinkedHashMap<>();
    derivedValues.put("NAMESPACE", c.namespace());
    if (release != null) {
      derivedValues.put("KUBERNETES_VERSION", release.kubernetesVersion());
    }
    Layer clusterLayer = new Layer("cluster", c.file(), spec.getVariables() == null ? Map.of() : spec.getVariables());
    ResolvedVariables vars = ResolvedVariables.resolve(memo.layers, List.of(c.managementClusterDefaults(),
        c.organizationDefaults(), clusterLayer), new Layer("derived", "capkit (metadata.namespace, spec.release)", derivedValues));
    for (Problem p : vars.problems()) {
      // A defaults file's problem stays there; the cluster's own, and a merge that fails against a contract
      // default, are the cluster's to fix.
      problems.add(p.file() != null && !p.file().equals(c.file()) && p.file().endsWith(".yaml")
          ? new Problem(p.file(), "variables." + p.path(), p.message())
          : new Problem(c.file(), "spec.variables." + p.path(), p.message()));
    }
    Object host = null;
    Object port = null;
    String endpointOrigin = null;
    ApiEndpoint endpoint = spec.getControlPlaneEndpoint();
    if (endpoint != null) {
      host = endpoint.getHost();
      port = endpoint.getPort() == null ? DEFAULT_API_PORT : endpoint.getPort();
      endpointOrigin = c.file() + " (spec.controlPlaneEndpoint)";
    } else if (vars.valid() && vars.get("BASE_DOMAIN") != null) {
      host = c.name() + ".k8s." + vars.string("BASE_DOMAIN");
      port = DEFAULT_API_PORT;
      endpointOrigin = "<name>.k8s.<BASE_DOMAIN>:" + DEFAULT_API_PORT;
    }
    if (problems.size() > before) {
      return null;
    }
    Map<String, Object> values = new LinkedHashMap<>();
    vars.entries().forEach((k, v) -> values.put(k, v.value()));
    // The rules on the resolved values, as the webhook and capkit validate apply them.
    rules.checkResolved(spec, c.name(), values).forEach(p -> problems.add(p.inFile(c.file())));
    if (c.hosts() != null && contract.usedBy("KVM_HOSTS", flavor.name())) {
      // The tenancy rules the webhook and the provider apply, against the management cluster's KVMHost files.
      KvmHostRules.checkFleetCluster(c.namespace(), (String) values.get("KVM_HOSTS"),
          (String) values.get("KVM_BASE_IMAGE"), c.hosts()).forEach(p -> problems.add(p.inFile(c.file())));
    }
    if (problems.size() > before) {
      return null;
    }
    ClusterPlan plan = new ClusterPlan(c.name(), c.namespace(), release.name(), release.kubernetesVersion(), host, port,
        values);
    return new Resolution(c, release, flavor, flavorOrigin, vars, plan, endpointOrigin, warnings);
  }

  private static RenderedCluster render(Resolution r) {
    List<KubeObject> objects = new ArrayList<>(r.flavor.render(r.plan, r.release));
    objects.addAll(AppObjects.helmReleases(r.plan, r.release));
    objects.sort(ObjectOrder.COMPARATOR);
    return new RenderedCluster(r.cluster, r.release, r.variables, List.copyOf(objects),
        AppObjects.helmRepositories(r.plan.namespace(), r.release), List.copyOf(r.warnings));
  }
}
