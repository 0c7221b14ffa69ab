package io.capkit.gitops.diff;

import io.capkit.api.source.SourceTree;
import io.capkit.gitops.diff.FleetDiff.ChangeType;
import io.capkit.gitops.diff.FleetDiff.ClusterChanges;
import io.capkit.gitops.diff.FleetDiff.ObjectChange;
import io.capkit.gitops.diff.RenderedObjects.RenderedObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Compares two rendered outputs object by object; pure. */
public final class RenderedDiff {
  private RenderedDiff() {}

  /** Renders both versions and compares them. */
  public static FleetDiff between(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter) {
    return compare(renderer.render(fleetBefore, releasesBefore), renderer.render(fleetAfter, releasesAfter));
  }

  public static FleetDiff compare(SortedMap<String, byte[]> before, SortedMap<String, byte[]> after) {
    // A folder whose files have the same bytes on both sides holds the same objects: nothing to parse there.
    Set<String> changedFolders = new HashSet<>();
    Set<String> paths = new HashSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String path : paths) {
      if (!Arrays.equals(before.get(path), after.get(path))) {
        changedFolders.add(folder(path));
      }
    }
    // Most documents of a changed file are the same on both sides: each distinct text is parsed once.
    Map<String, List<Object>> parsed = new ConcurrentHashMap<>();
    SortedMap<String, SortedMap<ObjectKey, RenderedObject>> a = RenderedObjects.parse(in(before, changedFolders),
        parsed);
    SortedMap<String, SortedMap<ObjectKey, RenderedObject>> b = RenderedObjects.parse(in(after, changedFolders),
        parsed);
    TreeSet<String> clusters = new TreeSet<>(a.keySet());
    clusters.addAll(b.keySet());
    // Clusters compare independently (the YAML dumps for the unified diffs dominate), so in parallel, in order.
    List<ClusterChanges> out = clusters.stream().toList().parallelStream()
        .map(cluster -> changes(cluster, a.getOrDefault(cluster, new TreeMap<>()),
            b.getOrDefault(cluster, new TreeMap<>())))
        .filter(Objects::nonNull).toList();
    return new FleetDiff(List.copyOf(out));
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

  private static SortedMap<String, byte[]> in(SortedMap<String, byte[]> files, Set<String> folders) {
    SortedMap<String, byte[]> out = new TreeMap<>();
    files.forEach((path, bytes) -> {
      if (folders.contains(folder(path))) {
        out.put(path, bytes);
      }
    });
    return out;
  }

}
