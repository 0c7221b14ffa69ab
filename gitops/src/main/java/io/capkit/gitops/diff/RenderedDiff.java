package io.capkit.gitops.diff;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.SourceTree;
import io.capkit.gitops.diff.FleetDiff.ChangeType;
import io.capkit.gitops.diff.FleetDiff.ClusterChanges;
import io.capkit.gitops.diff.FleetDiff.ObjectChange;
import io.capkit.gitops.diff.RenderedObjects.RenderedObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** Compares two rendered outputs object by object; pure. */
public final class RenderedDiff {
  private RenderedDiff() {}

  /** Renders both versions and compares them. */
  public static FleetDiff between(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter) {
    return compare(renderer.renderOutput(fleetBefore, releasesBefore),
        renderer.renderOutput(fleetAfter, releasesAfter));
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
  public static FleetDiff compare(RenderedOutput beforeOutput, RenderedOutput afterOutput) {
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
    // Clusters compare independently (parsing and the YAML dumps for the unified diffs dominate): in parallel.
    List<FolderResult> results = folders.entrySet().stream().toList().parallelStream()
        .map(e -> FolderResult.of(e.getKey(), e.getValue(), beforeOutput.documents(), afterOutput.documents()))
        .toList();
    throwFirst(results, true);
    throwFirst(results, false);
    List<ClusterChanges> out = results.stream().map(FolderResult::changes).filter(Objects::nonNull).toList();
    return new FleetDiff(List.copyOf(out));
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

  /** One side of one folder: its objects, or the first file that does not parse, and duplicate objects. */
  private record Side(SortedMap<ObjectKey, RenderedObject> objects, String failedFile,
      InvalidInputException failure, List<Problem> problems) {
    static Side parse(SortedMap<String, byte[]> files, Map<String, List<? extends Map<String, ?>>> documents,
        Map<String, List<Object>> parsed) {
      SortedMap<ObjectKey, RenderedObject> objects = new TreeMap<>();
      List<Problem> problems = new ArrayList<>();
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        List<? extends Map<String, ?>> written = documents.get(f.getKey());
        List<Object> docs = written == null ? null
            : WrittenDocuments.data(written, f.getValue().length).orElse(null);
        try {
          if (docs == null) {
            docs = RenderedObjects.load(f.getKey(), new String(f.getValue(), StandardCharsets.UTF_8), parsed);
          }
        } catch (InvalidInputException e) {
          return new Side(null, f.getKey(), e, List.of());
        }
        RenderedObjects.add(objects, f.getKey(), docs, problems);
      }
      return new Side(objects, null, null, problems);
    }
  }

  private record FolderResult(Side before, Side after, ClusterChanges changes) {
    static FolderResult of(String cluster, FolderFiles files, Map<String, List<? extends Map<String, ?>>> before,
        Map<String, List<? extends Map<String, ?>>> after) {
      // Most documents of a changed file are the same on both sides: each distinct text is parsed once.
      Map<String, List<Object>> parsed = new HashMap<>();
      Side a = Side.parse(files.before(), before, parsed);
      Side b = Side.parse(files.after(), after, parsed);
      if (a.failure() != null || b.failure() != null || !a.problems().isEmpty() || !b.problems().isEmpty()) {
        return new FolderResult(a, b, null);
      }
      return new FolderResult(a, b, RenderedDiff.changes(cluster, a.objects(), b.objects()));
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
      SortedMap<ObjectKey, RenderedObject> ob) {
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
      } else if (!Objects.equals(x.data(), y.data())) {
        changes.add(new ObjectChange(ChangeType.CHANGED, key, UnifiedDiff.of(key.toString(), x.yaml(), y.yaml())));
      }
    }
    return changes.isEmpty() ? null : new ClusterChanges(cluster, List.copyOf(changes));
  }

  private static String folder(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

}
