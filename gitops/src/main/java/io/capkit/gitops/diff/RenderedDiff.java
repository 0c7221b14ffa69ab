package io.capkit.gitops.diff;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.SourceTree;
import io.capkit.gitops.diff.FleetDiff.ChangeType;
import io.capkit.gitops.diff.FleetDiff.ClusterChanges;
import io.capkit.gitops.diff.FleetDiff.ObjectChange;
import io.capkit.gitops.diff.FleetRenderer.Prepared;
import io.capkit.gitops.diff.RenderedObjects.RenderedObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/** Compares two rendered outputs object by object; pure. */
public final class RenderedDiff {
  /** How many clusters of each side are rendered and held at a time by a prepared comparison. */
  static final int PART = 64;

  private RenderedDiff() {}

  /**
   * Renders both versions and compares them, cluster by cluster as {@link #compare(Prepared, Prepared, Collection,
   * Predicate)} does. On invalid input the two versions are rendered whole, one after the other, so the problems are
   * those of the first version that has any, as a rendering of each gives them.
   */
  public static FleetDiff between(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter) {
    return between(renderer, fleetBefore, releasesBefore, fleetAfter, releasesAfter, false);
  }

  /** As above; {@code onDemand}: see {@link FleetDiff.ObjectChange#diff()}. */
  static FleetDiff between(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter, boolean onDemand) {
    return between(renderer, fleetBefore, releasesBefore, fleetAfter, releasesAfter, onDemand, null);
  }

  /** As above; {@code newSideRendered}: see {@link #compare(Prepared, Prepared, Collection, Predicate, int, boolean,
   * Runnable)}. */
  static FleetDiff between(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter, boolean onDemand, Runnable newSideRendered) {
    try {
      Prepared a = renderer.prepare(fleetBefore, releasesBefore);
      Prepared b = renderer.prepare(fleetAfter, releasesAfter);
      Set<String> clusters = new HashSet<>(a.clusterFolders());
      clusters.addAll(b.clusterFolders());
      return compare(a, b, clusters, path -> true, PART, onDemand, newSideRendered);
    } catch (InvalidInputException e) {
      return result(folderResults(RenderedOutput.of(renderer.render(fleetBefore, releasesBefore)),
          RenderedOutput.of(renderer.render(fleetAfter, releasesAfter)), onDemand));
    }
  }

  /** Compares two outputs of files alone: every changed folder's files are parsed. */
  public static FleetDiff compare(SortedMap<String, byte[]> before, SortedMap<String, byte[]> after) {
    return compare(RenderedOutput.of(before), RenderedOutput.of(after));
  }

  /**
   * Compares two outputs (path → bytes). A folder whose files have the same bytes on both sides holds the same
   * objects, so only folders with a changed file are parsed, one folder at a time (both sides, then compared and
   * dropped): memory holds one folder's objects per thread, never a fleet's. Problems are reported as a parse of
   * each side in path order would: the first unreadable file of the old side, else its duplicate objects, then
   * the same for the new side. A file with documents ({@link RenderedOutput}) is read from them rather than parsed:
   * the same data ({@link WrittenDocuments}).
   */
  public static FleetDiff compare(RenderedOutput before, RenderedOutput after) {
    return result(folderResults(before, after, false));
  }

  /**
   * Compares two prepared renderings as {@link #compare(RenderedOutput, RenderedOutput)} compares their outputs
   * restricted to the shared files {@code keepShared} keeps and the cluster folders {@code clusters} (of either
   * side). The clusters are rendered {@link #PART} at a time on each side, the old side's part first, and each
   * folder is compared as soon as the new side renders it: memory holds a part of the old side, never a whole
   * rendering.
   */
  static FleetDiff compare(Prepared before, Prepared after, Collection<String> clusters,
      Predicate<String> keepShared) {
    return compare(before, after, clusters, keepShared, PART, false);
  }

  /** As above, {@code part} clusters of each side at a time. */
  static FleetDiff compare(Prepared before, Prepared after, Collection<String> clusters,
      Predicate<String> keepShared, int part) {
    return compare(before, after, clusters, keepShared, part, false);
  }

  /**
   * As above. {@code onDemand}: each changed object's unified diff is
   * made when first asked for ({@link FleetDiff.ObjectChange#diff()}), and the two objects are kept until then.
   */
  static FleetDiff compare(Prepared before, Prepared after, Collection<String> clusters,
      Predicate<String> keepShared, int part, boolean onDemand) {
    return compare(before, after, clusters, keepShared, part, onDemand, null);
  }

  /**
   * As above; with {@code newSideRendered} not null, the new side is rendered first, all of it, and read into objects
   * (held until its folders are compared); when that side rendered and read without an error or a problem, its
   * shared files included, {@code newSideRendered} runs, on the calling thread, before the old side is rendered and
   * compared part by part. The result, and what is thrown, are the same either way. {@code capkit promote} pushes from
   * there, while the old side renders: the pull request body is all the old side is needed for.
   */
  static FleetDiff compare(Prepared before, Prepared after, Collection<String> clusters,
      Predicate<String> keepShared, int part, boolean onDemand, Runnable newSideRendered) {
    RenderedOutput sharedA = keep(before.shared(), keepShared);
    RenderedOutput sharedB = keep(after.shared(), keepShared);
    List<String> folders = new ArrayList<>(new TreeSet<>(clusters));
    for (String path : sharedA.files().keySet()) {
      refuseInCluster(path, before, after);
    }
    for (String path : sharedB.files().keySet()) {
      refuseInCluster(path, before, after);
    }
    List<FolderResult> results = new ArrayList<>(folderResults(sharedA, sharedB, onDemand));
    if (newSideRendered != null) {
      compareNewSideFirst(before, after, folders, part, onDemand, newSideRendered, results);
    } else {
      for (int from = 0; from < folders.size(); from += part) {
        List<String> some = folders.subList(from, Math.min(folders.size(), from + part));
        Map<String, RenderedOutput> held = new ConcurrentHashMap<>();
        before.renderClusters(some.stream().filter(before.clusterFolders()::contains).toList(), held::put);
        Queue<FolderResult> done = new ConcurrentLinkedQueue<>();
        after.renderClusters(some.stream().filter(after.clusterFolders()::contains).toList(), (folder, b) -> {
          RenderedOutput a = held.remove(folder);
          FolderResult r = FolderResult.between(folder, a == null ? RenderedOutput.EMPTY : a, b, onDemand);
          if (r != null) {
            done.add(r);
          }
        });
        held.forEach((folder, a) -> {
          FolderResult r = FolderResult.between(folder, a, RenderedOutput.EMPTY, onDemand);
          if (r != null) {
            done.add(r);
          }
        });
        results.addAll(done);
      }
    }
    results.sort(Comparator.comparing(FolderResult::cluster));
    return result(results);
  }

  // The new side's clusters rendered and read into objects first, then the old side's, `part` at a time, each folder
  // compared with the held one as it comes.
  private static void compareNewSideFirst(Prepared before, Prepared after, List<String> folders, int part,
      boolean onDemand, Runnable newSideRendered, List<FolderResult> results) {
    Map<String, Held> held = new ConcurrentHashMap<>();
    after.renderClusters(folders.stream().filter(after.clusterFolders()::contains).toList(),
        (folder, b) -> held.put(folder, Held.of(folder, b, onDemand)));
    boolean clean = held.values().stream().allMatch(h -> h.side().clean())
        && results.stream().allMatch(r -> r.after().clean());
    if (clean) {
      newSideRendered.run();
    }
    for (int from = 0; from < folders.size(); from += part) {
      List<String> some = folders.subList(from, Math.min(folders.size(), from + part)).stream()
          .filter(before.clusterFolders()::contains).toList();
      Queue<FolderResult> done = new ConcurrentLinkedQueue<>();
      before.renderClusters(some, (folder, a) -> {
        Held b = held.remove(folder);
        FolderResult r = FolderResult.between(folder, a, b == null ? Held.EMPTY : b, onDemand);
        if (r != null) {
          done.add(r);
        }
      });
      results.addAll(done);
    }
    held.forEach((folder, b) -> {
      FolderResult r = FolderResult.between(folder, RenderedOutput.EMPTY, b, onDemand);
      if (r != null) {
        results.add(r);
      }
    });
  }

  /** One folder of the new side, rendered: its files, and its YAML files read into objects. */
  private record Held(SortedMap<String, byte[]> files, Side side) {
    static final Held EMPTY = new Held(RenderedOutput.EMPTY.files(), null);

    static Held of(String folder, RenderedOutput b, boolean onDemand) {
      FolderFiles files = FolderResult.files(folder, RenderedOutput.EMPTY, b);
      return new Held(b.files(), Side.parse(files.after(), b.documents(), new HashMap<>(), onDemand));
    }
  }

  private static RenderedOutput keep(RenderedOutput out, Predicate<String> keep) {
    SortedMap<String, byte[]> files = new TreeMap<>();
    out.files().forEach((path, bytes) -> {
      if (keep.test(path)) {
        files.put(path, bytes);
      }
    });
    return new RenderedOutput(files, out.documents());
  }

  // A cluster folder holds its cluster's files only: its result would otherwise be split in two.
  private static void refuseInCluster(String path, Prepared before, Prepared after) {
    String folder = folder(path);
    if (before.clusterFolders().contains(folder) || after.clusterFolders().contains(folder)) {
      throw new IllegalStateException("shared output " + path + " is in a cluster folder");
    }
  }

  private static FleetDiff result(List<FolderResult> results) {
    throwFirst(results, true);
    throwFirst(results, false);
    List<ClusterChanges> out = results.stream().map(FolderResult::changes).filter(Objects::nonNull).toList();
    return new FleetDiff(List.copyOf(out));
  }

  // Each changed folder's result, in folder order.
  private static List<FolderResult> folderResults(RenderedOutput beforeOutput, RenderedOutput afterOutput,
      boolean onDemand) {
    SortedMap<String, byte[]> before = beforeOutput.files();
    SortedMap<String, byte[]> after = afterOutput.files();
    Set<String> changedFolders = new HashSet<>();
    Set<String> paths = new HashSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String path : paths) {
      if (!Arrays.equals(before.get(path), after.get(path))) {
        changedFolders.add(folder(path));
      }
    }
    SortedMap<String, FolderFiles> folders = new TreeMap<>();
    group(before, changedFolders, folders, true);
    group(after, changedFolders, folders, false);
    // Clusters compare independently (the YAML dumps for the unified diffs dominate): in parallel.
    return folders.entrySet().stream().toList().parallelStream()
        .map(e -> FolderResult.of(e.getKey(), e.getValue(), beforeOutput.documents(), afterOutput.documents(),
            onDemand))
        .toList();
  }

  /** The YAML files of one cluster folder on each side, in path order. */
  private record FolderFiles(SortedMap<String, byte[]> before, SortedMap<String, byte[]> after) {}

  private static void group(SortedMap<String, byte[]> files, Set<String> changedFolders,
      SortedMap<String, FolderFiles> folders, boolean before) {
    files.forEach((path, bytes) -> {
      if (RenderedObjects.isYaml(path) && changedFolders.contains(folder(path))) {
        FolderFiles f = folders.computeIfAbsent(RenderedObjects.cluster(path),
            c -> new FolderFiles(new TreeMap<>(), new TreeMap<>()));
        (before ? f.before() : f.after()).put(path, bytes);
      }
    });
  }

  /**
   * One side of one folder: its objects, or the first file that does not parse, and duplicate objects. Only the
   * problems outlive the comparison of the folder.
   */
  private record Side(SortedMap<ObjectKey, RenderedObject> objects, String failedFile,
      InvalidInputException failure, List<Problem> problems) {
    /**
     * {@code asWritten}: the renderer's documents themselves stand for their data where they can (only the objects a
     * report shows are then copied, for their text; a report that shows them all is better off copying them here).
     */
    static Side parse(SortedMap<String, byte[]> files, Map<String, List<? extends Map<String, ?>>> documents,
        Map<String, List<Object>> parsed, boolean asWritten) {
      SortedMap<ObjectKey, RenderedObject> objects = new TreeMap<>();
      List<Problem> problems = new ArrayList<>();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        List<? extends Map<String, ?>> written = documents.get(f.getKey());
        // The renderer's documents themselves where they stand for their data (most), else a copy, else the bytes.
        boolean standing = asWritten && written != null
            && WrittenDocuments.standForTheirData(written, f.getValue().length);
        @SuppressWarnings("unchecked")
        List<Object> docs = standing ? (List<Object>) (List<?>) written : written == null ? null
            : WrittenDocuments.data(written, f.getValue().length).orElse(null);
        try {
          if (docs == null) {
            docs = RenderedObjects.load(f.getKey(), new String(f.getValue(), StandardCharsets.UTF_8), parsed);
          }
        } catch (InvalidInputException e) {
          return new Side(null, f.getKey(), e, List.of());
        }
        RenderedObjects.add(objects, f.getKey(), docs, problems, standing);
      }
      return new Side(objects, null, null, problems);
    }

    /** Read without a failure or a problem. */
    boolean clean() {
      return failure == null && problems.isEmpty();
    }

    Side withoutObjects() {
      return new Side(null, failedFile, failure, problems);
    }
  }

  private record FolderResult(String cluster, Side before, Side after, ClusterChanges changes) {
    static FolderResult of(String cluster, FolderFiles files, Map<String, List<? extends Map<String, ?>>> before,
        Map<String, List<? extends Map<String, ?>>> after, boolean onDemand) {
      // Most documents of a changed file are the same on both sides: each distinct text is parsed once.
      Map<String, List<Object>> parsed = new HashMap<>();
      return of(cluster, Side.parse(files.before(), before, parsed, onDemand),
          Side.parse(files.after(), after, parsed, onDemand), onDemand);
    }

    static FolderResult of(String cluster, Side a, Side b, boolean onDemand) {
      ClusterChanges changes = null;
      if (a.failure() == null && b.failure() == null && a.problems().isEmpty() && b.problems().isEmpty()) {
        changes = RenderedDiff.changes(cluster, a.objects(), b.objects(), onDemand);
      }
      return new FolderResult(cluster, a.withoutObjects(), b.withoutObjects(), changes);
    }

    /** The result of one folder whose files on each side are {@code a} and {@code b}; null when they are equal. */
    static FolderResult between(String folder, RenderedOutput a, RenderedOutput b, boolean onDemand) {
      if (!changed(folder, a.files(), b.files())) {
        return null;
      }
      return of(cluster(folder), files(folder, a, b), a.documents(), b.documents(), onDemand);
    }

    /** As above, with the new side's files read already ({@link Held}). */
    static FolderResult between(String folder, RenderedOutput a, Held b, boolean onDemand) {
      if (!changed(folder, a.files(), b.files())) {
        return null;
      }
      Side sa = Side.parse(files(folder, a, RenderedOutput.EMPTY).before(), a.documents(), new HashMap<>(),
          onDemand);
      Side sb = b.side() != null ? b.side() : Side.parse(new TreeMap<>(), Map.of(), new HashMap<>(), onDemand);
      return of(cluster(folder), sa, sb, onDemand);
    }

    private static boolean changed(String folder, SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
      Set<String> paths = new HashSet<>(a.keySet());
      paths.addAll(b.keySet());
      boolean changed = false;
      for (String path : paths) {
        if (!folder.equals(folder(path))) {
          throw new IllegalStateException(path + " is not in the cluster folder " + folder);
        }
        changed |= !Arrays.equals(a.get(path), b.get(path));
      }
      return changed;
    }

    private static String cluster(String folder) {
      return folder.isEmpty() ? RenderedObjects.ROOT : folder;
    }

    /** The YAML files of the folder on each side. */
    static FolderFiles files(String folder, RenderedOutput a, RenderedOutput b) {
      SortedMap<String, FolderFiles> folders = new TreeMap<>();
      Set<String> changedFolders = Set.of(folder);
      group(a.files(), changedFolders, folders, true);
      group(b.files(), changedFolders, folders, false);
      return folders.getOrDefault(cluster(folder), new FolderFiles(new TreeMap<>(), new TreeMap<>()));
    }

    Side side(boolean before) {
      return before ? this.before : after;
    }
  }

  private static void throwFirst(List<FolderResult> results, boolean before) {
    Side first = null;
    for (FolderResult r : results) {
      Side s = r.side(before);
      if (s.failure() != null && (first == null || s.failedFile().compareTo(first.failedFile()) < 0)) {
        first = s;
      }
    }
    if (first != null) {
      throw first.failure();
    }
    List<Problem> problems = new ArrayList<>(); // throwIfAny sorts them
    results.forEach(r -> problems.addAll(r.side(before).problems()));
    InvalidInputException.throwIfAny(problems);
  }

  // null when nothing changed.
  private static ClusterChanges changes(String cluster, SortedMap<ObjectKey, RenderedObject> oa,
      SortedMap<ObjectKey, RenderedObject> ob, boolean onDemand) {
    TreeSet<ObjectKey> keys = new TreeSet<>(oa.keySet());
    keys.addAll(ob.keySet());
    List<ObjectChange> changes = new ArrayList<>();
    for (ObjectKey key : keys) {
      RenderedObject x = oa.get(key);
      RenderedObject y = ob.get(key);
      if (x == null) {
        changes.add(new ObjectChange(ChangeType.ADDED, key, ""));
      } else if (y == null) {
        changes.add(new ObjectChange(ChangeType.REMOVED, key, ""));
      } else if (!x.sameData(y)) {
        changes.add(onDemand ? ObjectChange.onDemand(ChangeType.CHANGED, key, () -> unifiedDiff(key, x, y))
            : new ObjectChange(ChangeType.CHANGED, key, unifiedDiff(key, x, y)));
      }
    }
    return changes.isEmpty() ? null : new ClusterChanges(cluster, List.copyOf(changes));
  }

  private static String unifiedDiff(ObjectKey key, RenderedObject x, RenderedObject y) {
    return UnifiedDiff.of(key.toString(), x.yaml(), y.yaml());
  }

  private static String folder(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

}
