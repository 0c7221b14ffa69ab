package io.capkit.gitops.promote;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.release.PromotionRules;
import io.capkit.api.release.Release;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.gitops.git.SubTree;
import io.capkit.gitops.promote.PromotionPlan.ClusterEdit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Works out a promotion on a tree, without writing anything: selects the WorkloadCluster files, edits their
 * release in place, and checks the result (strict parse, release exists and is allowed by
 * {@link PromotionRules}). All problems across all files are reported together.
 */
public final class PromotionPlanner {
  private PromotionPlanner() {}

  @SuppressWarnings("unchecked")
  public static PromotionPlan plan(SourceTree repo, String fleetPath, String releasesPath,
      ClusterSelector selector, String release) {
    String prefix = folder(fleetPath);
    SortedMap<String, Release> releases = ReleaseCatalog.read(new SubTree(repo, releasesPath));
    List<Problem> problems = new ArrayList<>();
    List<ClusterEdit> edits = new ArrayList<>();
    List<ClusterFile> already = new ArrayList<>();
    int selected = 0;
    for (String relative : new SubTree(repo, fleetPath).files()) {
      ClusterFile cf = ClusterFile.match(prefix, relative).orElse(null);
      if (cf == null || !selector.matchesPath(cf)) {
        continue;
      }
      try {
        byte[] bytes = repo.read(cf.path()).orElseThrow();
        List<Object> docs = YamlDocuments.loadAll(cf.path(), new String(bytes, StandardCharsets.UTF_8));
        if (docs.size() != 1 || !(docs.get(0) instanceof Map<?, ?>)) {
          problems.add(new Problem(cf.path(), null, "holds " + docs.size()
              + " YAML documents; a cluster file holds exactly one WorkloadCluster mapping"));
          continue;
        }
        Map<String, Object> doc = (Map<String, Object>) docs.get(0);
        WorkloadCluster wc = StrictReader.read(cf.path(), doc, WorkloadCluster.class, WorkloadCluster.API_VERSION,
            "WorkloadCluster");
        if (!selector.matches(cf, doc)) {
          continue;
        }
        selected++;
        String current = wc.getSpec() == null ? null : wc.getSpec().getRelease();
        if (current == null) {
          problems.add(new Problem(cf.path(), PromotionRules.PATH, "is required"));
          continue;
        }
        if (current.equals(release)) {
          already.add(cf);
          continue;
        }
        PromotionRules.check(current, release, releases).forEach(p -> problems.add(p.inFile(cf.path())));
        ReleaseLineEditor.Edit edit = ReleaseLineEditor.setRelease(cf.path(), bytes, release);
        WorkloadCluster after = StrictReader.read(cf.path(),
            YamlDocuments.loadOne(cf.path(), new String(edit.content(), StandardCharsets.UTF_8)),
            WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster");
        if (!release.equals(after.getSpec().getRelease())) {
          problems.add(new Problem(cf.path(), PromotionRules.PATH, "edit did not take effect"));
          continue;
        }
        edits.add(new ClusterEdit(cf, current, edit.content()));
      } catch (InvalidInputException e) {
        problems.addAll(e.problems());
      }
    }
    if (selected == 0 && problems.isEmpty()) {
      problems.add(Problem.at("--select", selector.normalized() + " matched no WorkloadCluster in "
          + repo.describe() + (prefix.isEmpty() ? "" : ":" + prefix)));
    }
    InvalidInputException.throwIfAny(problems);
    return new PromotionPlan(release, selector, List.copyOf(edits), List.copyOf(already));
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
