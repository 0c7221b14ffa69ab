package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.SourceTree;
import io.capkit.renderer.AppObjects;
import io.capkit.renderer.Background;
import io.capkit.renderer.FleetCluster;
import io.capkit.renderer.FleetReader;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.ReleaseCatalog;
import io.capkit.renderer.ReleaseInfo;
import io.capkit.renderer.Renderer;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The renderer side of recorded renders: a full render that also produces its {@link RenderRecord}, and a partial
 * render of the clusters whose inputs changed, written into the output in place. Both stream through
 * {@link Renderer#renderEach(Renderer.Fleet, List, Renderer.ClusterSink)}: the full render writes each cluster into
 * a new folder swapped in whole ({@link OutputFolder#update()}); the partial one reads a snapshot tree listing only
 * the changed clusters (with every other file of the fleet) and writes them in place.
 */
final class RecordedRender {

  private RecordedRender() {}

  /** One cluster rendered now: where it sits and what its output and record need. */
  record Fresh(String path, String file, String managementCluster, String organization, String name, String namespace,
               String release, OutputLayout.EncodedCluster encoded) {
    static Fresh of(FleetCluster c, OutputLayout.EncodedCluster encoded) {
      return new Fresh(c.path(), c.file(), c.managementCluster(), c.organization(), c.name(), c.namespace(),
          c.cluster().getSpec().getRelease(), encoded);
    }

    Facts facts() {
      return new Facts(path, managementCluster, organization, name, namespace, release, encoded.manifests().length,
          List.copyOf(encoded.warnings()));
    }
  }

  /** What the record keeps of a rendered cluster once its files are written: no bytes. */
  record Facts(String path, String managementCluster, String organization, String name, String namespace,
               String release, long manifestsSize, List<String> warnings) {}

  /**
   * Renders every cluster, streamed as {@code capkit render} writes a fleet (the renderer is asked for once the fleet
   * is read: the caller may be building it meanwhile): each cluster's files go into the new
   * rendering ({@link OutputFolder#update()}) on the worker that rendered it and only its record entry is kept; the
   * files above the clusters follow from the fleet ({@link OutputLayout#sharedFiles}); the record of this render
   * ({@link RenderRecord#FILE}) is written last, and the whole folder is swapped in at once, so the record is present
   * exactly when the output it describes is. On any problem nothing is written. {@code held}: the output's lock when
   * the caller holds it already (see {@link OutputFolder#update(OutputLock)}), else null. Returns the number of
   * clusters.
   */
  static int full(java.util.function.Supplier<Renderer> rendererOnceRead, SourceTree fleetTree, String fleetLabel,
                  SourceTree releasesTree, String releasesLabel, java.util.function.Supplier<String> buildOnceRendered,
                  OutputFolder folder, OutputLock held, java.util.function.Consumer<List<String>> printWarnings) {
    RecordingTree fleet = new RecordingTree(fleetTree, true);
    RecordingTree releases = new RecordingTree(releasesTree, false);
    Renderer.Fleet read = Renderer.readFleet(fleet, fleetLabel, releases, releasesLabel);
    Renderer renderer = rendererOnceRead.get();
    List<FleetCluster> all = read.clusters();
    Facts[] facts = new Facts[all.size()];
    try (OutputFolder.Update update = folder.update(held)) {
      Renderer.Streamed rendered = renderer.renderEach(read, all, (i, c) -> {
        OutputLayout.clusterFiles(c).forEach(update::write);
        facts[i] = Fresh.of(all.get(i), c).facts();
      });
      printWarnings.accept(rendered.warnings());
      SortedMap<String, byte[]> shared = OutputLayout.sharedFiles(read);
      shared.forEach(update::write);
      TreeMap<String, String> inputs = new TreeMap<>();
      for (String p : fleet.files()) {
        if (!IncrementalRender.isClusterFile(p)) {
          inputs.put("fleet/" + p, fleet.digest(p));
        }
      }
      releases.files().forEach(p -> inputs.put("releases/" + p, releases.digest(p)));
      String options = IncrementalRender.options(fleetLabel, releasesLabel);
      String build = buildOnceRendered.get();
      IncrementalRender.Contexts contexts = new IncrementalRender.Contexts(build, options, inputs);
      Map<String, String> orgNamespaces = new HashMap<>();
      Map<String, RenderRecord.Cluster> clusters = new LinkedHashMap<>();
      for (Facts f : facts) {
        orgNamespaces.computeIfAbsent(f.managementCluster() + "/" + f.organization(),
            k -> FleetReader.organizationNamespace(fleet, fleetLabel, f.managementCluster(), f.organization()));
        clusters.put(f.path(), cluster(f, fleet.digest(f.path()), contexts));
      }
      update.write(RenderRecord.FILE, record(build, options, inputs, orgNamespaces, clusters, shared).format());
      update.commit();
      return rendered.clusters();
    }
  }

  private static RenderRecord.Cluster cluster(Facts f, String fileDigest, IncrementalRender.Contexts contexts) {
    return new RenderRecord.Cluster(f.managementCluster(), f.organization(), f.name(), fileDigest,
        contexts.of(f.managementCluster(), f.organization(), f.release()), f.release(), f.namespace(),
        f.manifestsSize(), f.warnings());
  }

  private static RenderRecord record(String build, String options, TreeMap<String, String> inputs,
                                     Map<String, String> orgNamespaces, Map<String, RenderRecord.Cluster> clusters,
                                     SortedMap<String, byte[]> files) {
    Map<String, RenderRecord.Org> orgs = new TreeMap<>();
    for (RenderRecord.Cluster c : clusters.values()) {
      orgs.computeIfAbsent(c.orgKey(), k -> {
        RenderRecord.Org o = new RenderRecord.Org(c.managementCluster(), c.organization(), orgNamespaces.get(k), -1);
        byte[] helm = files.get(o.folder() + "/" + OutputLayout.HELM_REPOSITORIES);
        return new RenderRecord.Org(o.managementCluster(), o.organization(), o.namespace(),
            helm == null ? -1 : helm.length);
      });
    }
    Map<String, Long> sizes = new TreeMap<>();
    sizes.put(IncrementalRender.CLUSTER_KUSTOMIZATION, (long) clusterKustomization().length);
    files.forEach((path, bytes) -> {
      if (!IncrementalRender.isClusterOutput(path) && !path.equals(RenderRecord.FILE)) {
        sizes.put(path, (long) bytes.length);
      }
    });
    return new RenderRecord(build, options, inputs, orgs, clusters, sizes);
  }

  private static byte[] clusterKustomization() {
    return OutputLayout.kustomization(List.of(OutputLayout.MANIFESTS));
  }

  /** Thrown when the partial render cannot be trusted; the caller renders everything. */
  private static final class NotIncremental extends RuntimeException {
    NotIncremental(String why) {
      super(why, null, false, false);
    }
  }

  /** The changed clusters read (the trees record what was read) and rendered: what a partial render writes from. */
  record Rendered(List<String> fleetFiles, RecordingTree fleet, RecordingTree releases, Renderer.Fleet changed,
                  List<Fresh> fresh) {}

  /**
   * Reads the fleet as listed by {@code fleetFiles} (its defaults, hosts and the clusters to render; the bytes are the
   * scan's, re-read files checked against its digests) and the Releases, and renders those clusters with the renderer
   * {@code building} yields (built on a thread of its own meanwhile, as a full render does).
   */
  static Rendered readAndRender(IncrementalRender inc, List<String> fleetFiles, InputScan fleetScan,
                                InputScan releasesScan, io.capkit.renderer.Background<Renderer> building) {
    RecordingTree fleet = new RecordingTree(new Snapshot(inc.fleetDir, fleetFiles, fleetScan), true);
    RecordingTree releases = new RecordingTree(new Snapshot(inc.releasesDir, releasesScan.files(), releasesScan),
        false);
    Renderer.Fleet changed = Renderer.readFleet(fleet, inc.fleetLabel, releases, inc.releasesLabel);
    Renderer renderer = building.get();
    Fresh[] rendered = new Fresh[changed.clusters().size()];
    renderer.renderEach(changed, changed.clusters(), (i, c) -> rendered[i] = Fresh.of(changed.clusters().get(i), c));
    return new Rendered(List.copyOf(fleetFiles), fleet, releases, changed, Arrays.asList(rendered));
  }

  /**
   * Renders the clusters in {@code toRender}, drops those in {@code removed}, brings the shared files (HelmRepositories,
   * kustomizations) up to date and writes it all into the output in place, then a new record. Returns null, having
   * written nothing, when the result could differ from a full render's (any problem: the full render reports it).
   */
  static IncrementalRender.Result partial(IncrementalRender inc, RenderRecord rec, InputScan fleetScan,
                                          InputScan releasesScan, Set<String> toRender, List<String> removed,
                                          boolean sharedIntact) {
    try {
      return partialOrThrow(inc, rec, fleetScan, releasesScan, toRender, removed, sharedIntact, true);
    } catch (NotIncremental | InvalidInputException e) {
      return null;
    }
  }

  private static IncrementalRender.Result partialOrThrow(IncrementalRender inc, RenderRecord rec, InputScan fleetScan,
      InputScan releasesScan, Set<String> toRender, List<String> removed, boolean sharedIntact, boolean write) {
    List<String> fleetFiles = fleetScan.files().stream()
        .filter(p -> !IncrementalRender.isClusterFile(p) || toRender.contains(p)).toList();
    // The changed clusters may have been read and rendered already, while the scan ran (IncrementalRender#speculate):
    // used when that render read exactly these files (the same listing, the bytes checked below); else here.
    Rendered done = inc.speculated(fleetFiles);
    if (done == null) {
      done = readAndRender(inc, fleetFiles, fleetScan, releasesScan, inc.rendererBuilding());
    }
    RecordingTree fleet = done.fleet();
    RecordingTree releases = done.releases();
    Renderer.Fleet changed = done.changed();
    List<Fresh> fresh = done.fresh();
    Map<String, Fresh> freshByPath = new HashMap<>();
    fresh.forEach(f -> freshByPath.put(f.path(), f));
    if (!freshByPath.keySet().equals(toRender)) {
      throw new NotIncremental("not every changed cluster was rendered");
    }
    // Every file the renderer read must be the one scanned (the snapshot guarantees it; this documents it).
    for (String p : fleetFiles) {
      String read = fleet.digest(p);
      if (!read.equals(RenderRecord.UNREAD) && !read.equals(fleetScan.digests().get(p))) {
        throw new NotIncremental(p + " changed while rendering");
      }
    }
    TreeMap<String, String> newInputs = new TreeMap<>();
    for (String p : fleetFiles) {
      if (!IncrementalRender.isClusterFile(p)) {
        newInputs.put("fleet/" + p, fleet.digest(p));
      }
    }
    releases.files().forEach(p -> newInputs.put("releases/" + p, releases.digest(p)));
    IncrementalRender.Contexts contexts = new IncrementalRender.Contexts(inc.build, inc.options, newInputs);

    // The clusters of the new output, in fleet order: recorded ones left as they are, and the fresh ones. The record
    // holds them in fleet (path) order already: clusters added are merged in, not everything sorted again.
    Map<String, RenderRecord.Cluster> clusters = new LinkedHashMap<>(rec.clusters().size() * 4 / 3 + 16);
    ClusterMerge merge = new ClusterMerge(clusters, freshByPath, new HashSet<>(removed), fleet, contexts,
        toRender.stream().filter(p -> !rec.clusters().containsKey(p)).iterator());
    for (Map.Entry<String, RenderRecord.Cluster> e : rec.clusters().entrySet()) {
      merge.recorded(e.getKey(), e.getValue());
    }
    merge.rest();
    if (sharedIntact && sameShape(rec, newInputs, fresh, removed)) {
      // Only cluster files changed, and no cluster moved to another namespace or Release: every file above the
      // clusters (HelmRepositories, kustomizations), every organization's namespace and the fleet-wide checks are as
      // recorded, so only the re-rendered clusters' own files and the record are written.
      // The new record is formatted (a line per cluster) on a thread of its own while this one checks and writes the
      // clusters' files and puts the warnings together; it is written last, as before.
      Background<byte[]> next = formatting(new RenderRecord(inc.build, inc.options, newInputs, rec.orgs(), clusters,
          rec.files()));
      Map<String, byte[]> writes = new TreeMap<>();
      fresh.forEach(f -> writes.putAll(OutputLayout.clusterFiles(f.encoded())));
      String warnings = IncrementalRender.warningText(clusters.values());
      apply(inc.out, writes, Set.of(), next, write);
      return new IncrementalRender.Result(clusters.size(), fresh.size(), 0, warnings);
    }

    // Organization namespaces: recorded, unless the organization's defaults changed or it is new.
    Map<String, String> orgNamespaces = new HashMap<>();
    for (RenderRecord.Cluster c : clusters.values()) {
      orgNamespaces.computeIfAbsent(c.orgKey(), k -> {
        String defaults = "fleet/" + rec.orgs().getOrDefault(k, new RenderRecord.Org(c.managementCluster(),
            c.organization(), "", -1)).folder() + "/defaults.yaml";
        RenderRecord.Org o = rec.orgs().get(k);
        if (o != null && java.util.Objects.equals(rec.inputs().get(defaults), newInputs.get(defaults))) {
          return o.namespace();
        }
        return FleetReader.organizationNamespace(fleet, inc.fleetLabel, c.managementCluster(), c.organization());
      });
    }
    // The fleet-wide checks, over every cluster, as a full render makes them.
    List<FleetReader.Placement> placements = new ArrayList<>(clusters.size());
    for (Map.Entry<String, RenderRecord.Cluster> e : clusters.entrySet()) {
      RenderRecord.Cluster c = e.getValue();
      Fresh f = freshByPath.get(e.getKey());
      placements.add(new FleetReader.Placement(c.managementCluster(), c.organization(), c.namespace(), c.name(),
          f != null ? f.file() : label(inc.fleetLabel, e.getKey()), orgNamespaces.get(c.orgKey())));
    }
    if (!FleetReader.checkPlacements(placements).isEmpty()) {
      throw new NotIncremental("fleet-wide check failed");
    }

    // Shared files from every cluster: the unchanged ones contribute their HelmRepositories (namespace + release).
    ReleaseCatalog catalog = changed.catalog();
    Map<String, List<KubeObject>> sourcesMemo = new HashMap<>();
    byte[] none = new byte[0];
    List<OutputLayout.EncodedCluster> encoded = new ArrayList<>(clusters.size());
    for (Map.Entry<String, RenderRecord.Cluster> e : clusters.entrySet()) {
      Fresh f = freshByPath.get(e.getKey());
      if (f != null) {
        encoded.add(f.encoded());
        continue;
      }
      RenderRecord.Cluster c = e.getValue();
      List<KubeObject> sources = sourcesMemo.computeIfAbsent(c.namespace() + "\0" + c.release(), k -> {
        Optional<ReleaseInfo> release = catalog.find(c.release());
        if (release.isEmpty()) {
          throw new NotIncremental("release " + c.release() + " is gone");
        }
        return AppObjects.helmRepositories(c.namespace(), release.get());
      });
      String folder = c.folder();
      encoded.add(new OutputLayout.EncodedCluster(folder, folder.substring(0, folder.indexOf("/workload-clusters/")),
          none, sources, List.of()));
    }
    SortedMap<String, byte[]> files = OutputLayout.assemble(encoded);
    Background<byte[]> next = formatting(record(inc.build, inc.options, newInputs, orgNamespaces, clusters, files));

    // What to write: the fresh clusters' files, and every shared file that differs from the disk.
    Map<String, byte[]> writes = new TreeMap<>();
    for (Fresh f : fresh) {
      String folder = f.encoded().folder();
      writes.put(folder + "/" + OutputLayout.MANIFESTS, f.encoded().manifests());
      writes.put(folder + "/" + OutputLayout.KUSTOMIZATION, files.get(folder + "/" + OutputLayout.KUSTOMIZATION));
    }
    files.forEach((path, bytes) -> {
      if (!IncrementalRender.isClusterOutput(path)) {
        writes.put(path, bytes);
      }
    });
    // What to delete: outputs of removed clusters and shared files no longer produced.
    Set<String> deletes = new TreeSet<>();
    for (String p : removed) {
      String folder = rec.clusters().get(p).folder();
      if (!files.containsKey(folder + "/" + OutputLayout.MANIFESTS)) {
        deletes.add(folder + "/" + OutputLayout.MANIFESTS);
        deletes.add(folder + "/" + OutputLayout.KUSTOMIZATION);
      }
    }
    rec.files().keySet().stream().filter(p -> !p.equals(IncrementalRender.CLUSTER_KUSTOMIZATION)
        && !files.containsKey(p)).forEach(deletes::add);
    String warnings = IncrementalRender.warningText(clusters.values());
    apply(inc.out, writes, deletes, next, write);
    return new IncrementalRender.Result(clusters.size(), fresh.size(), removed.size(), warnings);
  }

  /**
   * The clusters of a partial render's output in fleet order, from the record's (in that order) and the clusters added
   * ({@code added}, in that order too): a call per recorded cluster, so that C1 compiles it.
   */
  private static final class ClusterMerge {
    private final Map<String, RenderRecord.Cluster> clusters;
    private final Map<String, Fresh> fresh;
    private final Set<String> gone;
    private final RecordingTree fleet;
    private final IncrementalRender.Contexts contexts;
    private final java.util.Iterator<String> added;
    private String nextAdded;

    ClusterMerge(Map<String, RenderRecord.Cluster> clusters, Map<String, Fresh> fresh, Set<String> gone,
                 RecordingTree fleet, IncrementalRender.Contexts contexts, java.util.Iterator<String> added) {
      this.clusters = clusters;
      this.fresh = fresh;
      this.gone = gone;
      this.fleet = fleet;
      this.contexts = contexts;
      this.added = added;
      this.nextAdded = added.hasNext() ? added.next() : null;
    }

    void recorded(String path, RenderRecord.Cluster c) {
      while (nextAdded != null && nextAdded.compareTo(path) < 0) {
        addFresh(nextAdded);
        nextAdded = added.hasNext() ? added.next() : null;
      }
      if (gone.isEmpty() || !gone.contains(path)) {
        Fresh f = fresh.get(path);
        clusters.put(path, f == null ? c : cluster(f.facts(), fleet.digest(path), contexts));
      }
    }

    void rest() {
      while (nextAdded != null) {
        addFresh(nextAdded);
        nextAdded = added.hasNext() ? added.next() : null;
      }
    }

    private void addFresh(String path) {
      clusters.put(path, cluster(fresh.get(path).facts(), fleet.digest(path), contexts));
    }
  }

  /**
   * For a run that trains bin/capkit's class-data archive ({@link IncrementalRender#TRAINING}) and found nothing to
   * render: renders the fleet's first cluster as if its file had changed, the whole way but the writing, so the
   * archive holds the classes a one-edit render needs (bench/render trains it so: its first incremental run finds
   * nothing changed). Writes nothing and reports nothing: any problem is left to the runs that render.
   */
  static void warmUp(IncrementalRender inc, RenderRecord rec, InputScan fleetScan, InputScan releasesScan) {
    try {
      String first = null;
      for (String p : fleetScan.files()) {
        if (IncrementalRender.isClusterFile(p)) {
          first = p;
          break;
        }
      }
      if (first == null) {
        return;
      }
      // The way a one-edit run goes: the cluster's render started as the scan would start it, then the partial render
      // of that one cluster (merged into the record, the record formatted, the files compared with the disk), with
      // nothing written. The archive then holds what such a run loads and links, lambdas included.
      inc.speculate(first, fleetScan.digests().get(first));
      partialOrThrow(inc, rec, fleetScan, releasesScan, Set.of(first), List.of(), true, false);
    } catch (RuntimeException e) {
      // Training only: the archive then lacks some classes, which costs start-up time, never a result.
    }
  }

  /**
   * Whether the output above the cluster folders is the same as the record's: no cluster added or removed, every
   * non-cluster input as recorded (so every organization's namespace, every Release and its HelmRepositories), and
   * every re-rendered cluster still in its recorded namespace and Release (its folder, name and organization follow
   * from its path). Then the shared files, and the fleet-wide checks the recorded render passed, come out the same.
   */
  private static boolean sameShape(RenderRecord rec, Map<String, String> newInputs, List<Fresh> fresh,
                                   List<String> removed) {
    if (!removed.isEmpty() || !newInputs.equals(rec.inputs())) {
      return false;
    }
    for (Fresh f : fresh) {
      RenderRecord.Cluster c = rec.clusters().get(f.path());
      if (c == null || !c.namespace().equals(f.namespace()) || !c.release().equals(f.release())
          || !c.name().equals(f.name()) || !c.organization().equals(f.organization())
          || !c.managementCluster().equals(f.managementCluster())) {
        return false;
      }
    }
    return true;
  }

  private static String label(String label, String path) {
    return label == null || label.isEmpty() ? path : label + "/" + path;
  }

  // The orders of apply(), as classes: Comparator.comparing's comparators are serializable lambdas, which a class-data
  // archive cannot hold, so each run made them anew (a few milliseconds of class generation).
  /** Files to write: clusters' files before the kustomizations that list them, deepest first, then by path. */
  private static final Comparator<String> WRITE_ORDER = new Comparator<>() {
    @Override
    public int compare(String a, String b) {
      int c = Boolean.compare(isKustomization(a), isKustomization(b));
      if (c == 0) {
        c = Integer.compare(depth(b), depth(a));
      }
      return c != 0 ? c : a.compareTo(b);
    }
  };

  /** Files to delete: deepest first, then by path. */
  private static final Comparator<String> DELETE_ORDER = new Comparator<>() {
    @Override
    public int compare(String a, String b) {
      int c = Integer.compare(depth(b), depth(a));
      return c != 0 ? c : a.compareTo(b);
    }
  };

  private static boolean isKustomization(String p) {
    return p.endsWith("/" + OutputLayout.KUSTOMIZATION) || p.equals(OutputLayout.KUSTOMIZATION);
  }

  /** {@code record}'s bytes ({@link RenderRecord#format}), made on a thread of its own. */
  private static Background<byte[]> formatting(RenderRecord record) {
    return Background.start("capkit-record-format", record::format);
  }

  /**
   * Applies the changes in place. The record goes first (a render stopped halfway leaves none, so the next one renders
   * everything), then files, each written to a temporary file beside it and renamed: clusters' files before the
   * kustomizations that list them, deepest first, deletions last, so that Flux or Argo CD reading meanwhile never sees
   * a kustomization naming a missing file. The new record goes last. Without {@code write} (a training run) it
   * stops before the first change to the disk.
   */
  private static void apply(Path out, Map<String, byte[]> writes, Set<String> deletes, Background<byte[]> next,
                            boolean write) {
    try {
      Map<String, byte[]> changed = new LinkedHashMap<>();
      List<String> order = new ArrayList<>(writes.keySet());
      order.sort(WRITE_ORDER);
      for (String p : order) {
        Path target = checkedPath(out, p);
        byte[] bytes = writes.get(p);
        if (IncrementalRender.size(target) != bytes.length || !Arrays.equals(Files.readAllBytes(target), bytes)) {
          changed.put(p, bytes);
        }
      }
      for (String p : deletes) {
        checkedPath(out, p);
      }
      if (!write) {
        next.get(); // a training run (warmUp): everything up to the writing, nothing written
        return;
      }
      Files.deleteIfExists(out.resolve(RenderRecord.FILE));
      for (Map.Entry<String, byte[]> e : changed.entrySet()) {
        Path target = out.resolve(e.getKey());
        Files.createDirectories(target.getParent());
        writeAtomically(target, e.getValue());
      }
      List<String> deleteOrder = new ArrayList<>(deletes);
      deleteOrder.sort(DELETE_ORDER);
      for (String p : deleteOrder) {
        Path target = out.resolve(p);
        Files.deleteIfExists(target);
        removeEmptyParents(out, target.getParent());
      }
      writeAtomically(out.resolve(RenderRecord.FILE), next.get());
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(out.toString(), null, "cannot be written ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + "); run capkit render --full"));
    }
  }

  private static int depth(String p) {
    int n = 0;
    for (int i = 0; i < p.length(); i++) {
      if (p.charAt(i) == '/') {
        n++;
      }
    }
    return n;
  }

  /** {@code out/p}, refusing a path below a symbolic link or anything but a folder: nothing is written outside. */
  private static Path checkedPath(Path out, String p) throws IOException {
    if (!RenderRecord.safePath(p)) {
      throw new NotIncremental("unsafe path " + p);
    }
    Path dir = out;
    String[] parts = p.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      dir = dir.resolve(parts[i]);
      if (Files.isSymbolicLink(dir) || (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))) {
        throw new NotIncremental(dir + " is not a folder");
      }
    }
    Path target = out.resolve(p);
    if (Files.isSymbolicLink(target) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotIncremental(target + " is not a file");
    }
    return target;
  }

  private static void removeEmptyParents(Path out, Path dir) throws IOException {
    while (dir != null && !dir.equals(out) && dir.startsWith(out)) {
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          return;
        }
      } catch (java.nio.file.NoSuchFileException e) {
        dir = dir.getParent();
        continue;
      }
      Files.delete(dir);
      dir = dir.getParent();
    }
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(".capkit-tmp-" + UniqueName.next());
    try {
      Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The input folder as scanned: the listed files only, with the bytes that were hashed. A file the scan did not keep
   * is read again and must hash the same.
   */
  private static final class Snapshot implements SourceTree {
    private final Path root;
    private final List<String> files;
    private final Set<String> listed;
    private final InputScan scan;

    Snapshot(Path root, List<String> files, InputScan scan) {
      this.root = root.toAbsolutePath().normalize();
      this.files = List.copyOf(files);
      this.listed = new HashSet<>(files);
      this.scan = scan;
    }

    @Override
    public List<String> files() {
      return files;
    }

    @Override
    public Optional<byte[]> read(String path) {
      if (!listed.contains(path)) {
        return Optional.empty();
      }
      byte[] kept = scan.kept().get(path);
      if (kept != null) {
        return Optional.of(kept);
      }
      byte[] again = io.capkit.api.source.DirectoryTree.readFile(root.resolve(path), path);
      if (!InputScan.digest(again).equals(scan.digests().get(path))) {
        throw new NotIncremental(path + " changed while rendering");
      }
      return Optional.of(again);
    }

    @Override
    public String describe() {
      return root.toString();
    }
  }
}
