package io.capkit.gitops.promote;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.fleet.WorkloadClusterSpec;
import io.capkit.api.release.Release;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.gitops.git.SubTree;
import io.capkit.gitops.promote.PromotionPlan.ClusterEdit;
import io.capkit.renderer.ReleaseCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Works out a promotion on a tree, without writing anything: selects the WorkloadCluster files, edits their
 * release in place, and checks the result (strict parse, release exists and is allowed by
 * {@link WorkloadClusterRules#checkChange}, as the webhook does). All problems across all files are reported together.
 */
public final class PromotionPlanner {
  public static final String RELEASE_PATH = "spec.release";
  private static final WorkloadClusterRules RULES = new WorkloadClusterRules(Contract.standard());

  private PromotionPlanner() {}

  public static PromotionPlan plan(SourceTree repo, String fleetPath, String releasesPath,
      ClusterSelector selector, String release) {
    String prefix = folder(fleetPath);
    // The renderer's catalog: the same layout and the same Release rules as render, validate and the webhook.
    SortedMap<String, Release> releases = ReleaseCatalog.read(new SubTree(repo, releasesPath),
        folder(releasesPath).replaceFirst("/$", "")).releases();
    List<ClusterFile> candidates = new ArrayList<>();
    for (String relative : new SubTree(repo, fleetPath).files()) {
      ClusterFile.match(prefix, relative).filter(selector::matchesPath).ifPresent(candidates::add);
    }
    // Files are planned independently, so in parallel; outcomes are gathered in path order.
    List<FileOutcome> outcomes = candidates.parallelStream()
        .map(cf -> planOne(repo, cf, selector, release, releases)).toList();
    List<Problem> problems = new ArrayList<>();
    List<ClusterEdit> edits = new ArrayList<>();
    List<ClusterFile> already = new ArrayList<>();
    int selected = 0;
    for (FileOutcome o : outcomes) {
      problems.addAll(o.problems());
      selected += o.selected() ? 1 : 0;
      if (o.edit() != null) {
        edits.add(o.edit());
      }
      if (o.already() != null) {
        already.add(o.already());
      }
    }
    if (selected == 0 && problems.isEmpty()) {
      problems.add(Problem.at("--select", selector.normalized() + " matched no WorkloadCluster in "
          + repo.describe() + (prefix.isEmpty() ? "" : ":" + prefix)));
    }
    InvalidInputException.throwIfAny(problems);
    return new PromotionPlan(release, selector, List.copyOf(edits), List.copyOf(already));
  }

  private record FileOutcome(boolean selected, List<Problem> problems, ClusterEdit edit, ClusterFile already) {
    static FileOutcome skipped() {
      return new FileOutcome(false, List.of(), null, null);
    }

    static FileOutcome problems(boolean selected, List<Problem> problems) {
      return new FileOutcome(selected, problems, null, null);
    }
  }

  @SuppressWarnings("unchecked")
  private static FileOutcome planOne(SourceTree repo, ClusterFile cf, ClusterSelector selector, String release,
      SortedMap<String, Release> releases) {
    try {
      byte[] bytes = repo.read(cf.path()).orElseThrow();
      List<Object> docs = documents(cf.path(), bytes);
      if (docs.size() != 1 || !(docs.get(0) instanceof Map<?, ?>)) {
        return FileOutcome.problems(false, List.of(new Problem(cf.path(), null, "holds " + docs.size()
            + " YAML documents; a cluster file holds exactly one WorkloadCluster mapping")));
      }
      Map<String, Object> doc = (Map<String, Object>) docs.get(0);
      // Read and checked as StrictReader.read reads a WorkloadCluster, without making the fabric8 object: its
      // constructor works out the resource's plural name with fabric8's Pluralize (regular expressions) every time,
      // ~5 % of a 1,000-cluster promote's CPU for the two reads of each file (docs/gitops.md, "Performance").
      WorkloadClusterSpec spec = StrictReader.<WorkloadClusterSpec, Void>readParts(cf.path(), doc,
          WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster").spec();
      if (!selector.matches(cf, doc)) {
        return FileOutcome.skipped();
      }
      String current = spec == null ? null : spec.getRelease();
      if (current == null) {
        return FileOutcome.problems(true, List.of(new Problem(cf.path(), RELEASE_PATH, "is required")));
      }
      if (current.equals(release)) {
        return new FileOutcome(true, List.of(), null, cf);
      }
      List<Problem> problems = new ArrayList<>();
      if (releases.containsKey(release) && !releases.containsKey(current)) {
        // render refuses a cluster on a release the repository lacks, so promote does not start from one.
        problems.add(new Problem(cf.path(), RELEASE_PATH, "current release " + current
            + " does not exist in releases/, so the upgrade path cannot be checked"));
      }
      // The document read above is the one the editor would read again; it hands back the edited one read.
      ReleaseLineEditor.Edit edit = ReleaseLineEditor.setRelease(cf.path(), bytes, doc, release);
      WorkloadClusterSpec after = StrictReader.<WorkloadClusterSpec, Void>readParts(cf.path(), edit.document(),
          WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster").spec();
      if (after == null || !release.equals(after.getRelease())) {
        problems.add(new Problem(cf.path(), RELEASE_PATH, "edit did not take effect"));
        return FileOutcome.problems(true, problems);
      }
      // The rule the webhook applies to the same change of the WorkloadCluster object.
      RULES.checkChange(spec, after, name -> Optional.ofNullable(releases.get(name)), new ArrayList<>())
          .forEach(p -> problems.add(p.inFile(cf.path())));
      return new FileOutcome(true, problems, new ClusterEdit(cf, current, edit.content()), null);
    } catch (InvalidInputException e) {
      return FileOutcome.problems(false, e.problems());
    }
  }

  /**
   * The file's documents as {@link YamlDocuments#loadAll} reads them. A cluster file is one mapping, most often of
   * plain {@code key: value} lines, which {@link YamlDocuments#loadOne} reads the same through its cheaper reader; any
   * other file, or one that reader refuses, is read whole, so its problems and its count of documents are loadAll's.
   */
  private static List<Object> documents(String path, byte[] bytes) {
    try {
      return List.of(YamlDocuments.loadOne(path, bytes));
    } catch (InvalidInputException e) {
      return YamlDocuments.loadAll(path, bytes);
    }
  }

  static String folder(String path) {
    String p = path == null ? "" : path.strip();
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() || p.equals(".") ? "" : p + "/";
  }
}
