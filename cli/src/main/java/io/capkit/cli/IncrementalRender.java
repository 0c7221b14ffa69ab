package io.capkit.cli;

import io.capkit.renderer.FleetReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * {@code capkit render} of an output that holds a {@link RenderRecord}: decides from content digests — never from
 * timestamps — which clusters' inputs changed since the record was written, and renders only those
 * ({@link RecordedRender#partial}). When nothing changed it loads no renderer at all: it lists and hashes the inputs,
 * checks that the recorded outputs are still there with their sizes, and replays the recorded warnings.
 *
 * <p>Whenever it cannot be sure — no record, an unreadable or foreign one, another capkit build, other options, an
 * input folder {@code DirectoryTree} would refuse, any problem in what it renders — it returns null and the caller
 * renders everything, which also reports every problem exactly as a full render does.
 */
final class IncrementalRender {
  /** Pseudo-path under which the record keeps the size of every cluster folder's {@code kustomization.yaml}. */
  static final String CLUSTER_KUSTOMIZATION = "*/kustomization.yaml";

  /**
   * What an incremental render did: clusters in the output, rendered now, removed, and all warnings in fleet order
   * as they are printed ({@link #warningText}: a {@code warning: } line each).
   */
  record Result(int clusters, int rendered, int removed, String warnings) {}

  /** The warnings of {@code clusters}, in that order, as printed: one {@code warning: TEXT} line each. */
  static String warningText(java.util.Collection<RenderRecord.Cluster> clusters) {
    StringBuilder text = new StringBuilder();
    for (RenderRecord.Cluster c : clusters) {
      appendWarnings(text, c.warnings());
    }
    return text.toString();
  }

  /** Appends {@code warnings} as every render prints them: one {@code warning: TEXT} line each. */
  static StringBuilder appendWarnings(StringBuilder text, List<String> warnings) {
    String newline = System.lineSeparator();
    for (String w : warnings) {
      text.append("warning: ").append(w).append(newline);
    }
    return text;
  }

  /**
   * Set by bin/capkit on the run that records its class-data archive: a render that finds nothing changed then also
   * renders one cluster in memory (nothing written), so that the archive holds the renderer for the runs that render.
   */
  static final String TRAINING = "capkit.aot.training";

  final Path out;
  final Path fleetDir;
  final String fleetLabel;
  final Path releasesDir;
  final String releasesLabel;
  /** capkit's build identity: set by the record half of {@link #run} (read by the rest after it joined). */
  String build;
  private final java.util.function.Supplier<String> buildIdentity;
  /** The digest of the options ({@link #options(String, String)}): set with {@link #build}, on the record's thread. */
  String options;
  /** Set when the record half finds that only a full render will do: the input scan then stops where it is. */
  private volatile boolean abandoned;
  /**
   * The record once parsed and found to be of this build and options (set by the record half): from then on the scan
   * compares each cluster file it hashes with it ({@link #scanned}); those hashed before are kept in {@link #early}
   * for the record half to compare.
   */
  private volatile RenderRecord parsed;
  private final Map<String, String> early = new ConcurrentHashMap<>();
  /** The Releases as scanned (before the fleet), and the fleet files of the levels above the one being listed. */
  private volatile InputScan releasesScanned;
  private volatile InputScan above;
  /** Whether a changed cluster was seen during the scan; then the renderer and that cluster's render are started. */
  private final java.util.concurrent.atomic.AtomicBoolean speculating =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile io.capkit.renderer.Background<io.capkit.renderer.Renderer> renderer;
  private volatile io.capkit.renderer.Background<RecordedRender.Rendered> speculative;
  private volatile boolean speculationUsed;

  IncrementalRender(Path out, Path fleetDir, String fleetLabel, Path releasesDir, String releasesLabel, String build) {
    this(out, fleetDir, fleetLabel, releasesDir, releasesLabel, () -> build);
  }

  /**
   * {@code build} is asked for on the record's thread, while the inputs are already being scanned: the identity
   * (the jar's central directory) and the record's first lines are checked beside the scan, not before it.
   */
  IncrementalRender(Path out, Path fleetDir, String fleetLabel, Path releasesDir, String releasesLabel,
                    java.util.function.Supplier<String> build) {
    this.out = out.toAbsolutePath().normalize();
    this.fleetDir = fleetDir;
    this.fleetLabel = fleetLabel;
    this.releasesDir = releasesDir;
    this.releasesLabel = releasesLabel;
    this.buildIdentity = build;
  }

  /** The digest of what, besides the inputs, shapes the output and the messages: the labels of the two folders. */
  static String options(String fleetLabel, String releasesLabel) {
    return RenderRecord.digestOf("fleet", fleetLabel, "releases", releasesLabel);
  }

  /**
   * Whether a fleet path is a WorkloadCluster file, as {@link FleetReader#CLUSTER} says (a test holds the two equal):
   * written out by hand because it runs several times per cluster, and a pattern costs more than the hashing.
   */
  static boolean isClusterFile(String p) {
    return p.startsWith("management-clusters/") && p.endsWith("/cluster.yaml")
        && segmentsAre(p, "management-clusters".length(), "organizations", "workload-clusters", "cluster.yaml");
  }

  /**
   * Whether a path of the output is a cluster folder's own file ({@code .../workload-clusters/<wc>/manifests.yaml}
   * or {@code kustomization.yaml}).
   */
  static boolean isClusterOutput(String p) {
    return p.startsWith("management-clusters/")
        && (segmentsAre(p, "management-clusters".length(), "organizations", "workload-clusters", "manifests.yaml")
        || segmentsAre(p, "management-clusters".length(), "organizations", "workload-clusters", "kustomization.yaml"));
  }

  // From the '/' at {@code at}: <name>/<fixed1>/<name>/<fixed2>/<name>/<last>, each name non-empty and slash-free.
  private static boolean segmentsAre(String p, int at, String fixed1, String fixed2, String last) {
    int i = fixed(p, at, fixed1);
    if (i < 0 || (i = fixed(p, i, fixed2)) < 0) {
      return false;
    }
    int slash = p.indexOf('/', i + 1);
    return slash > i + 1 && p.length() == slash + 1 + last.length() && p.startsWith(last, slash + 1);
  }

  // From the '/' at {@code at}: <name>/<fixed>/ ; the index of that last '/', or -1 (no string built: this runs
  // several times per cluster).
  private static int fixed(String p, int at, String fixed) {
    int slash = p.indexOf('/', at + 1);
    int end = slash + 1 + fixed.length();
    if (slash <= at + 1 || end >= p.length() || !p.startsWith(fixed, slash + 1) || p.charAt(end) != '/') {
      return -1;
    }
    return end;
  }

  /**
   * Brings the output up to date from its record, or returns null when only a full render can be trusted to.
   * The caller holds the output's lock.
   */
  Result run() {
    // Two halves that need nothing from each other run at once: the record (capkit's build identity, the record's
    // first lines, then the record parsed and the output checked against it) on a thread of its own, and the inputs
    // (listed, read, hashed) on the others from the start; they meet to decide. No record, or one of another capkit
    // build or other options (a few hundred bytes read), stops the scan where it is.
    FutureTask<Recorded> recordedHalf = new FutureTask<>(() -> {
      try {
        // The first digest of the process initialises the JDK's security providers (~10 ms): not on the scan's path.
        options = options(fleetLabel, releasesLabel);
        build = buildIdentity.get();
        Recorded found = headerMatches() ? recorded() : null;
        abandoned = found == null;
        return found;
      } catch (RuntimeException | Error e) {
        abandoned = true;
        throw e;
      }
    });
    Thread thread = new Thread(recordedHalf, "capkit-record");
    thread.setDaemon(true);
    thread.start();
    java.util.function.BooleanSupplier stop = () -> abandoned;
    // The Releases first (a few files): a changed cluster found in the fleet's scan can then be rendered at once.
    InputScan releases = InputScan.of(releasesDir, p -> false, (p, d) -> true, stop);
    releasesScanned = releases;
    InputScan fleet = releases == null ? null : InputScan.of(fleetDir, p -> false, (p, d) -> !isClusterFile(p), stop,
        new InputScan.Progress() {
          @Override
          public void level(InputScan soFar) {
            above = soFar;
          }

          @Override
          public void read(String path, String digest) {
            scanned(path, digest);
          }
        });
    Recorded r;
    try {
      r = recordedHalf.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException x ? x : new IllegalStateException(e.getCause());
    }
    if (r == null || fleet == null || releases == null) {
      return null;
    }
    RenderRecord rec = r.record();
    Map<String, RenderRecord.Cluster> recorded = rec.clusters();
    TreeMap<String, String> inputs = new TreeMap<>();
    List<String> clusterPaths = new ArrayList<>(fleet.files().size());
    for (String p : fleet.files()) {
      if (isClusterFile(p)) {
        if (fleet.digests().get(p).equals(InputScan.TOO_LARGE)) {
          return null;
        }
        clusterPaths.add(p);
      } else if (!input(inputs, rec, "fleet/" + p, fleet.digests().get(p))) {
        return null;
      }
    }
    for (String p : releases.files()) {
      if (!input(inputs, rec, "releases/" + p, releases.digests().get(p))) {
        return null;
      }
    }
    Contexts contexts = new Contexts(build, options, inputs);
    ClusterCompare compare = new ClusterCompare(recorded, fleet.digests(), r.outputsChanged(), contexts);
    // One call per cluster (a loop body run 10,000 times once is never compiled; a method called as often is).
    for (String p : clusterPaths) {
      compare.cluster(p);
    }
    Set<String> toRender = compare.toRender;
    int stillThere = compare.stillThere;
    List<String> removed = List.of();
    if (stillThere < recorded.size()) {
      Set<String> present = new java.util.HashSet<>(clusterPaths);
      removed = recorded.keySet().stream().filter(p -> !present.contains(p)).toList();
    }
    if (toRender.isEmpty() && removed.isEmpty() && inputs.equals(rec.inputs()) && r.sharedIntact()) {
      if (Boolean.getBoolean(TRAINING)) {
        RecordedRender.warmUp(this, rec, fleet, releases);
      }
      return new Result(recorded.size(), 0, 0, warningText(recorded.values()));
    }
    return RecordedRender.partial(this, rec, fleet, releases, toRender, removed, r.sharedIntact());
  }

  /** Which recorded clusters must be rendered again: their file, their context or their output changed. */
  private static final class ClusterCompare {
    private final Map<String, RenderRecord.Cluster> recorded;
    private final Map<String, String> digests;
    private final Set<String> outputsChanged;
    private final Contexts contexts;
    final Set<String> toRender = new TreeSet<>();
    int stillThere;
    // Clusters of one organization and Release follow each other (the parsed record shares their names' strings):
    // the context of the last one is reused without looking it up again.
    private RenderRecord.Cluster last;
    private String lastContext;

    ClusterCompare(Map<String, RenderRecord.Cluster> recorded, Map<String, String> digests,
                   Set<String> outputsChanged, Contexts contexts) {
      this.recorded = recorded;
      this.digests = digests;
      this.outputsChanged = outputsChanged;
      this.contexts = contexts;
    }

    void cluster(String p) {
      RenderRecord.Cluster c = recorded.get(p);
      if (c == null) {
        toRender.add(p);
        return;
      }
      stillThere++;
      if (last == null || c.managementCluster() != last.managementCluster() || c.organization() != last.organization()
          || c.release() != last.release()) {
        lastContext = contexts.of(c.managementCluster(), c.organization(), c.release());
        last = c;
      }
      if (!c.fileDigest().equals(digests.get(p)) || outputsChanged.contains(p) || !lastContext.equals(c.context())) {
        toRender.add(p);
      }
    }
  }

  /**
   * A fleet file was hashed (on a scanning thread). Once the record is parsed, a cluster file whose digest differs
   * from its recorded one (or that the record lacks) starts that cluster's render at once ({@link #speculate}); before,
   * cluster files are kept for the record half to compare when it has parsed the record. For speed only: what is
   * rendered is decided after the scan, as before, and this render is used only when it matches (see
   * {@link #speculated}).
   */
  private void scanned(String path, String digest) {
    if (!isClusterFile(path) || speculating.get()) {
      return;
    }
    RenderRecord rec = parsed;
    if (rec == null) {
      early.put(path, digest);
      rec = parsed; // set meanwhile: the record half may have compared what early held before this put
      if (rec == null) {
        return;
      }
    }
    compare(rec, path, digest);
  }

  private void compare(RenderRecord rec, String path, String digest) {
    RenderRecord.Cluster c = rec.clusters().get(path);
    if (c == null || !c.fileDigest().equals(digest)) {
      speculate(path, digest);
    }
  }

  /**
   * The first changed cluster file seen during the scan: builds the renderer (needed now whatever else changed) and,
   * on another thread, reads and renders that cluster over the fleet files of the levels above it (defaults, hosts)
   * and the Releases, while the scan goes on. A run where nothing changed never gets here.
   */
  void speculate(String path, String digest) {
    if (!speculating.compareAndSet(false, true)) {
      return;
    }
    io.capkit.renderer.Background<io.capkit.renderer.Renderer> building =
        io.capkit.renderer.Background.start("capkit-renderer", io.capkit.renderer.Renderer::standard);
    renderer = building;
    InputScan up = above;
    InputScan rel = releasesScanned;
    if (up == null || rel == null) {
      return;
    }
    List<String> files = new ArrayList<>();
    for (String f : up.files()) {
      if (!isClusterFile(f)) {
        files.add(f);
      }
    }
    files.add(path);
    java.util.Collections.sort(files);
    Map<String, String> digests = new java.util.HashMap<>(up.digests());
    digests.put(path, digest);
    InputScan scan = new InputScan(List.copyOf(files), digests, up.kept());
    speculative = io.capkit.renderer.Background.start("capkit-speculative",
        () -> RecordedRender.readAndRender(this, scan.files(), scan, rel, building));
  }

  /**
   * The render started during the scan, if it read exactly {@code fleetFiles} (what the partial render would read
   * now); else null, and the partial render reads and renders itself (an exception there is left for it to meet).
   */
  RecordedRender.Rendered speculated(List<String> fleetFiles) {
    io.capkit.renderer.Background<RecordedRender.Rendered> s = speculative;
    if (s == null) {
      return null;
    }
    try {
      RecordedRender.Rendered r = s.get();
      speculationUsed = r.fleetFiles().equals(fleetFiles);
      return speculationUsed ? r : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Whether the scan saw a changed cluster file and started rendering it (tests). */
  boolean speculationStarted() {
    return speculating.get();
  }

  /** Whether the partial render used the render started during the scan (tests). */
  boolean speculationUsed() {
    return speculationUsed;
  }

  /** The renderer being built since the scan saw a changed cluster, or one started now. */
  io.capkit.renderer.Background<io.capkit.renderer.Renderer> rendererBuilding() {
    io.capkit.renderer.Background<io.capkit.renderer.Renderer> b = renderer;
    return b != null ? b : io.capkit.renderer.Background.start("capkit-renderer",
        io.capkit.renderer.Renderer::standard);
  }

  /**
   * Adds the digest of a non-cluster input as the record compares it: {@link RenderRecord#UNREAD} for a file the
   * recorded render did not read (a README, a CHANGELOG), as a render would not. False for a file over the size
   * limit that a render reads: only a full render reports it.
   */
  private static boolean input(Map<String, String> inputs, RenderRecord rec, String key, String digest) {
    if (RenderRecord.UNREAD.equals(rec.inputs().get(key))) {
      inputs.put(key, RenderRecord.UNREAD);
      return true;
    }
    inputs.put(key, digest);
    return !digest.equals(InputScan.TOO_LARGE);
  }

  /**
   * The record, and what the output says about it: the clusters whose recorded output files are gone or have
   * another size, and whether every file above the clusters is there with its recorded size.
   */
  private record Recorded(RenderRecord record, Set<String> outputsChanged, boolean sharedIntact) {}

  // The record half of run(), on one thread (the input scan has the others): null when only a full render will do.
  private Recorded recorded() {
    RenderRecord rec = readRecord();
    if (rec == null || !rec.build().equals(build) || !rec.options().equals(options) || !upperFoldersAsRecorded(rec)) {
      return null;
    }
    parsed = rec;
    early.forEach((path, digest) -> compare(rec, path, digest));
    long clusterKustomization = rec.files().getOrDefault(CLUSTER_KUSTOMIZATION, -1L);
    Set<String> outputsChanged = new java.util.HashSet<>();
    String outPrefix = out + "/";
    for (Map.Entry<String, RenderRecord.Cluster> e : rec.clusters().entrySet()) {
      RenderRecord.Cluster c = e.getValue();
      String folder = outPrefix + c.folder() + "/";
      if (outputSize(folder + "manifests.yaml", c.manifestsSize()) != c.manifestsSize()
          || outputSize(folder + "kustomization.yaml", clusterKustomization) != clusterKustomization) {
        outputsChanged.add(e.getKey());
      }
    }
    boolean sharedIntact = true;
    for (Map.Entry<String, Long> e : rec.files().entrySet()) {
      if (!e.getKey().equals(CLUSTER_KUSTOMIZATION) && size(out.resolve(e.getKey())) != e.getValue()) {
        sharedIntact = false;
        break;
      }
    }
    return new Recorded(rec, outputsChanged, sharedIntact);
  }

  /**
   * Whether the folders above the cluster folders (the root, management clusters, organizations, the
   * {@code workload-clusters} folders: a few dozen) hold only entries the record accounts for. A file left
   * there by hand, or by a render that was killed, means a full render, which removes it. Cluster folders are not
   * listed (that would cost as much as the input scan): {@code --check} and {@code --full} find extra files there.
   */
  private boolean upperFoldersAsRecorded(RenderRecord rec) {
    Map<String, Set<String>> expected = new java.util.HashMap<>();
    expected.computeIfAbsent("", k -> new java.util.HashSet<>()).add(RenderRecord.FILE);
    for (String path : rec.files().keySet()) {
      if (!path.equals(CLUSTER_KUSTOMIZATION)) {
        addWithParents(expected, path);
      }
    }
    // Clusters come in fleet order: the folder holding the last one's folder is reused while the organization is the
    // same (the parsed record shares the names' strings), so each cluster adds its name, not a copy of its path.
    RenderRecord.Cluster last = null;
    Set<String> names = null;
    for (RenderRecord.Cluster c : rec.clusters().values()) {
      if (last == null || c.managementCluster() != last.managementCluster()
          || c.organization() != last.organization()) {
        String folder = c.folder();
        addWithParents(expected, folder);
        names = expected.get(folder.substring(0, folder.length() - c.name().length() - 1));
      } else {
        names.add(c.name());
      }
      last = c;
    }
    return expected.entrySet().stream().allMatch(e -> {
      String[] found;
      try {
        found = (e.getKey().isEmpty() ? out : out.resolve(e.getKey())).toFile().list();
      } catch (RuntimeException x) {
        return false;
      }
      // Missing entries are found below, file by file, and rendered again; only unknown ones need a full render.
      return found != null && e.getValue().containsAll(java.util.Arrays.asList(found));
    });
  }

  // Records {@code path} as an entry of its parent, and each ancestor as an entry of its own parent.
  private static void addWithParents(Map<String, Set<String>> expected, String path) {
    String p = path;
    while (true) {
      int slash = p.lastIndexOf('/');
      String parent = slash < 0 ? "" : p.substring(0, slash);
      if (!expected.computeIfAbsent(parent, k -> new java.util.HashSet<>()).add(p.substring(slash + 1))
          || slash < 0) {
        return;
      }
      p = parent;
    }
  }

  /**
   * Whether the record's first lines name this format, this capkit build and these options: read before anything
   * else (a few hundred bytes), so that after an upgrade — every record foreign — the scan is not made for nothing.
   * The whole record is checked again when it is parsed.
   */
  private boolean headerMatches() {
    byte[] expected = (RenderRecord.VERSION + "\nbuild\t" + build + "\noptions\t" + options + "\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (var in = Files.newInputStream(out.resolve(RenderRecord.FILE), LinkOption.NOFOLLOW_LINKS)) {
      return java.util.Arrays.equals(in.readNBytes(expected.length), expected);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The record at the output's root, or null when there is none or it is not one this capkit wrote. */
  private RenderRecord readRecord() {
    Path file = out.resolve(RenderRecord.FILE);
    try {
      if (Files.isSymbolicLink(out) || !Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile() || a.size() > RenderRecord.MAX_BYTES) {
        return null;
      }
      // Only an output capkit wrote is ever updated, as a full render checks before replacing a folder.
      Path marker = out.resolve(io.capkit.renderer.OutputLayout.KUSTOMIZATION);
      if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS) || !startsWithHeader(marker)) {
        return null;
      }
      return RenderRecord.parse(Files.readAllBytes(file));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean startsWithHeader(Path file) throws IOException {
    byte[] header = io.capkit.renderer.OutputLayout.HEADER.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return java.util.Arrays.equals(in.readNBytes(header.length), header);
    }
  }

  /**
   * The size of a cluster's output file as the record's check of 20,000 of them needs it: {@code java.io.File#length}
   * (one {@code stat}, a number back), a third less CPU than {@link #size}'s attributes object per file. It follows a
   * link, as {@link #size} does not; the check is of sizes only (a file rewritten to the same size passes either way,
   * and {@code render --check} or {@code --full} compares contents), and a file gone reads as 0 bytes. A recorded
   * size of 0 (never written by a render) is checked by {@link #size}.
   */
  static long outputSize(String absolute, long recorded) {
    return recorded > 0 ? new java.io.File(absolute).length() : size(Path.of(absolute));
  }

  /** Size of a regular file (links not followed), or -1 when there is none. */
  static long size(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() ? a.size() : -1;
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The context digest of a cluster: everything besides its own file that its output depends on — capkit's build, the
   * options, its management cluster's and organization's defaults, its management cluster's KVMHost files, and the
   * Release it names. Computed once per (management cluster, organization, release).
   */
  static final class Contexts {
    private final String build;
    private final String options;
    private final TreeMap<String, String> inputs;
    private final Map<String, String> memo = new ConcurrentHashMap<>();

    Contexts(String build, String options, TreeMap<String, String> inputs) {
      this.build = build;
      this.options = options;
      this.inputs = inputs;
    }

    String of(String mc, String org, String release) {
      return memo.computeIfAbsent(mc + "\0" + org + "\0" + release, k -> {
        String mcDir = "fleet/management-clusters/" + mc + "/";
        List<String> parts = new ArrayList<>(List.of(build, options,
            input(mcDir + "defaults.yaml"), input(mcDir + "organizations/" + org + "/defaults.yaml"),
            input("releases/" + release + "/release.yaml")));
        String hosts = mcDir + "hosts/";
        for (Map.Entry<String, String> e : inputs.tailMap(hosts).entrySet()) {
          if (!e.getKey().startsWith(hosts)) {
            break;
          }
          parts.add(e.getKey());
          parts.add(e.getValue());
        }
        return RenderRecord.digestOf(parts.toArray(String[]::new));
      });
    }

    private String input(String path) {
      String d = inputs.get(path);
      return d == null ? "absent" : d;
    }
  }
}
