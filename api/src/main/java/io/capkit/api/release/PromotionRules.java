package io.capkit.api.release;

import io.capkit.api.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether {@code capkit promote} may move a workload cluster from one release to another: both releases exist, and
 * the move passes {@link ReleaseRules#checkMove}, the rule the webhook applies to a WorkloadCluster update. Pure;
 * problems are reported at {@code spec.release}.
 */
public final class PromotionRules {
  public static final String PATH = "spec.release";

  private PromotionRules() {}

  /** Problems with moving from {@code current} to {@code target}, given the releases by name; empty when allowed. */
  public static List<Problem> check(String current, String target, Map<String, Release> releases) {
    List<Problem> problems = new ArrayList<>();
    Release to = releases.get(target);
    if (to == null) {
      problems.add(Problem.at(PATH, "release " + target + " does not exist in releases/"));
      return problems;
    }
    Release from = releases.get(current);
    if (from == null) {
      problems.add(Problem.at(PATH, "current release " + current
          + " does not exist in releases/, so the upgrade path cannot be checked"));
      return problems;
    }
    problems.addAll(ReleaseRules.checkMove(from, to, PATH));
    return problems;
  }
}
