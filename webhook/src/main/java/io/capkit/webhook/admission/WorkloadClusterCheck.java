package io.capkit.webhook.admission;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.flavor.FlavorRules;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.fleet.WorkloadClusterSpec;
import io.capkit.api.yaml.DocumentTrees;
import io.capkit.api.yaml.StrictReader;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every rule on a WorkloadCluster, by the same {@code api} calls the renderer and {@code capkit validate} make:
 * {@link WorkloadClusterRules#validate} on the object and {@link WorkloadClusterRules#checkChange}: against the release
 * it names (exists, not wip, runs the flavor) and, on an update that moves the release, the move rule
 * {@code capkit promote} applies too. A deprecated release is admitted with a warning, as the renderer renders it with
 * one.
 */
public final class WorkloadClusterCheck implements AdmissionCheck {
  public static final String RELEASE_PATH = FlavorRules.RELEASE_PATH;

  private final WorkloadClusterRules rules;
  private final ReleaseLookup releases;

  public WorkloadClusterCheck(WorkloadClusterRules rules, ReleaseLookup releases) {
    this.rules = rules;
    this.releases = releases;
  }

  @Override
  public Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject) {
    WorkloadCluster cluster;
    try {
      cluster = StrictReader.read(null, object, WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster");
    } catch (InvalidInputException e) {
      return Verdict.of(e.problems());
    }
    List<Problem> problems = new ArrayList<>(rules.validate(cluster));
    List<String> warnings = new ArrayList<>();
    if (cluster.getSpec() == null) {
      return new Verdict(problems, warnings);
    }
    WorkloadClusterSpec before = null;
    if (operation == Operation.UPDATE && oldObject != null) {
      // The old object was admitted before; read it leniently, as only its release and flavor matter here.
      before = new WorkloadClusterSpec();
      before.setRelease(specString(oldObject, "release"));
      before.setFlavor(specString(oldObject, "flavor"));
    }
    problems.addAll(rules.checkChange(before, cluster.getSpec(), releases::find, warnings));
    problems.sort(null);
    return new Verdict(problems, warnings);
  }

  private static String specString(Map<String, Object> object, String field) {
    return DocumentTrees.at(object, "spec", field) instanceof String s ? s : null;
  }
}
