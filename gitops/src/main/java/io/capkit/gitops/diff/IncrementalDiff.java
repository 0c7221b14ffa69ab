package io.capkit.gitops.diff;

import io.capkit.api.InvalidInputException;
import io.capkit.api.source.SourceTree;
import io.capkit.gitops.diff.ClusterInputs.ClusterPath;
import io.capkit.gitops.diff.FleetRenderer.Prepared;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The rendered difference between two fleet versions, rendering only the clusters whose inputs changed
 * ({@link ClusterInputs}); the result equals {@link RenderedDiff#between} on the whole fleets.
 *
 * <p>Shared output is handled per organization: when an organization's set of clusters changes, or its shared
 * files (HelmRepositories, kustomizations) differ between the two partial renders, all its clusters are
 * rendered. When an organization appears or disappears, or a release or a file outside the known layout
 * changes, both fleets are rendered in full. Clusters outside the changed set are not validated again.
 */
public final class IncrementalDiff {
  private IncrementalDiff() {}

  /** What the last call rendered, for progress lines and benchmarks. */
  public record Result(FleetDiff diff, int clustersRendered, boolean full) {}

  /**
   * {@code changedFleet} and {@code changedReleases}: paths (relative to each tree) whose content differs
   * between the two versions, added or removed ones included.
   */
  public static Result between(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter, Set<String> changedFleet, Set<String> changedReleases) {
    return between(renderer, fleetBefore, releasesBefore, fleetAfter, releasesAfter, changedFleet, changedReleases,
        false);
  }

  /**
   * As above; {@code onDemand}: each changed object's unified diff is made when first asked for (a pull request body
   * shows the first ~60,000 characters of the report: promote of 1,000 clusters made 6,000 diffs to show ~50).
   */
  public static Result between(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter, Set<String> changedFleet, Set<String> changedReleases,
      boolean onDemand) {
    return between(renderer, fleetBefore, releasesBefore, fleetAfter, releasesAfter, changedFleet, changedReleases,
        onDemand, null);
  }

  /**
   * As above. {@code newSideRendered}, when not null, runs once on the calling thread, after the new version has
   * rendered, and been read into objects, without an error or a problem, and before this returns a result (never when
   * it throws before that point): as soon as the new side is done when the comparison goes cluster by cluster, then
   * the old side is rendered and compared; else just before the result is returned. The result, and what is thrown,
   * are as without it; the old side may still throw after it ran. {@code capkit promote} pushes from there.
   */
  public static Result between(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter, Set<String> changedFleet, Set<String> changedReleases,
      boolean onDemand, Runnable newSideRendered) {
    if (newSideRendered == null) {
      return diff(renderer, fleetBefore, releasesBefore, fleetAfter, releasesAfter, changedFleet, changedReleases,
          onDemand, null);
    }
    boolean[] ran = {false};
    Runnable once = () -> {
      if (!ran[0]) {
        ran[0] = true;
        newSideRendered.run();
      }
    };
    Result r = diff(renderer, fleetBefore, releasesBefore, fleetAfter, releasesAfter, changedFleet, changedReleases,
        onDemand, once);
    once.run();
    return r;
  }

  private static Result diff(FleetRenderer renderer, SourceTree fleetBefore, SourceTree releasesBefore,
      SourceTree fleetAfter, SourceTree releasesAfter, Set<String> changedFleet, Set<String> changedReleases,
      boolean onDemand, Runnable newSideRendered) {
    if (changedFleet.isEmpty() && changedReleases.isEmpty()) {
      return new Result(new FleetDiff(List.of()), 0, false);
    }
    Map<String, ClusterPath> before = clusters(fleetBefore);
    Map<String, ClusterPath> after = clusters(fleetAfter);
    int total = before.size() + after.size();
    boolean unknownChange = !changedReleases.isEmpty() || changedFleet.stream().anyMatch(p ->
        ClusterInputs.cluster(p).isEmpty() && !ClusterInputs.isDefaults(p) && !ClusterInputs.isIgnored(p));
    if (unknownChange || !orgs(before.values()).equals(orgs(after.values()))) {
      return new Result(RenderedDiff.between(renderer, fleetBefore, releasesBefore, fleetAfter, releasesAfter,
          onDemand, newSideRendered), total, true);
    }
    Map<String, ClusterPath> all = new TreeMap<>(before);
    all.putAll(after);
    Set<String> affected = new TreeSet<>();
    for (ClusterPath c : all.values()) {
      if (c.fleetInputs().stream().anyMatch(changedFleet::contains)) {
        affected.add(c.path());
      }
    }
    // An organization whose clusters come and go changes its shared files: render all of it.
    Set<String> wholeOrgs = new TreeSet<>();
    for (String path : affected) {
      ClusterPath c = all.get(path);
      if (before.containsKey(path) != after.containsKey(path)) {
        wholeOrgs.add(c.orgFolder());
      }
    }
    Selection s = new Selection(fleetBefore, releasesBefore, fleetAfter, releasesAfter, before, after, all,
        affected, wholeOrgs, onDemand);
    try {
      return s.diff(renderer::prepare, true, newSideRendered);
    } catch (InvalidInputException e) {
      // Invalid input: each side rendered whole, as a rendering of it reports its problems (the old side's first).
      return s.diff((fleet, releases) -> FleetRenderer.whole(renderer.render(fleet, releases)), false, null);
    }
  }

  /** The clusters to render and how to compare them, for one way of preparing each side. */
  private record Selection(SourceTree fleetBefore, SourceTree releasesBefore, SourceTree fleetAfter,
      SourceTree releasesAfter, Map<String, ClusterPath> before, Map<String, ClusterPath> after,
      Map<String, ClusterPath> all, Set<String> affected, Set<String> firstWholeOrgs, boolean onDemand) {

    /** {@code together}: the two sides are prepared at the same time (their problems then need not come in order). */
    Result diff(BiFunction<SourceTree, SourceTree, Prepared> prepare, boolean together, Runnable newSideRendered) {
      Set<String> wholeOrgs = new TreeSet<>(firstWholeOrgs);
      while (true) {
        Set<String> selected = new HashSet<>(affected);
        all.values().stream().filter(c -> wholeOrgs.contains(c.orgFolder())).forEach(c -> selected.add(c.path()));
        Supplier<Prepared> old = () -> prepare.apply(select(fleetBefore, before, selected), releasesBefore);
        Prepared a;
        Prepared b;
        if (together) {
          CompletableFuture<Prepared> first = CompletableFuture.supplyAsync(old);
          try {
            b = prepare.apply(select(fleetAfter, after, selected), releasesAfter);
          } finally {
            first.handle((x, e) -> null).join(); // nothing left running behind a failure
          }
          a = join(first);
        } else {
          a = old.get();
          b = prepare.apply(select(fleetAfter, after, selected), releasesAfter);
        }
        int rendered = (int) selected.stream().filter(before::containsKey).count()
            + (int) selected.stream().filter(after::containsKey).count();
        Set<String> clusterFolders = new HashSet<>();
        Set<String> touchedOrgs = new TreeSet<>();
        for (String path : selected) {
          clusterFolders.add(all.get(path).folder());
          touchedOrgs.add(all.get(path).orgFolder());
        }
        // A partly rendered organization's shared files equal in both renders stay equal with the rest added.
        Set<String> moreOrgs = new TreeSet<>();
        for (String org : touchedOrgs) {
          if (!wholeOrgs.contains(org) && !sameShared(a.shared().files(), b.shared().files(), org, clusterFolders)) {
            moreOrgs.add(org);
          }
        }
        if (moreOrgs.isEmpty()) {
          // The selected clusters' folders and all of each whole organization are compared.
          Predicate<String> keep = path -> inClusterFolder(path, clusterFolders)
              || wholeOrgs.stream().anyMatch(o -> path.startsWith(o + "/"));
          Set<String> folders = new HashSet<>();
          for (Prepared p : List.of(a, b)) {
            for (String folder : p.clusterFolders()) {
              if (keep.test(folder + "/")) {
                folders.add(folder);
              }
            }
          }
          return new Result(RenderedDiff.compare(a, b, folders, keep, RenderedDiff.PART, onDemand, newSideRendered),
              rendered, false);
        }
        wholeOrgs.addAll(moreOrgs);
      }
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw e;
    }
  }

  private static Map<String, ClusterPath> clusters(SourceTree fleet) {
    Map<String, ClusterPath> out = new TreeMap<>();
    for (String p : fleet.files()) {
      ClusterInputs.cluster(p).ifPresent(c -> out.put(p, c));
    }
    return out;
  }

  private static Set<String> orgs(Collection<ClusterPath> clusters) {
    Set<String> out = new TreeSet<>();
    clusters.forEach(c -> out.add(c.orgFolder()));
    return out;
  }

  // The fleet without the cluster files (all in `clusterFiles`) that are not selected.
  private static SourceTree select(SourceTree fleet, Map<String, ClusterPath> clusterFiles, Set<String> selected) {
    return new SelectedTree(fleet, p -> selected.contains(p) || !clusterFiles.containsKey(p));
  }

  private static boolean sameShared(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b, String org,
      Set<String> clusterFolders) {
    SortedMap<String, byte[]> x = shared(a, org, clusterFolders);
    SortedMap<String, byte[]> y = shared(b, org, clusterFolders);
    if (!x.keySet().equals(y.keySet())) {
      return false;
    }
    return x.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), y.get(e.getKey())));
  }

  // Output files under the organization folder that belong to no single cluster.
  private static SortedMap<String, byte[]> shared(SortedMap<String, byte[]> files, String org,
      Set<String> clusterFolders) {
    SortedMap<String, byte[]> out = new TreeMap<>();
    files.subMap(org + "/", org + "0").forEach((path, bytes) -> {
      if (!inClusterFolder(path, clusterFolders)) {
        out.put(path, bytes);
      }
    });
    return out;
  }

  private static boolean inClusterFolder(String path, Set<String> clusterFolders) {
    for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      if (clusterFolders.contains(path.substring(0, slash))) {
        return true;
      }
    }
    return false;
  }
}
