package io.capkit.webhook.admission;

import io.capkit.api.Problem;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs an {@link AdmissionCheck} and turns its verdict into a response: problems become a denial (one cause per
 * field path), warnings travel with the admission. Used instead of the framework's {@code Validator}, which can
 * neither return warnings nor more than one problem.
 */
public final class ValidatingHandler implements AdmissionRequestHandler {
  /** Kubernetes shows at most this many characters of a warning; longer ones are cut here, visibly. */
  private static final int MAX_WARNING = 256;
  private final AdmissionCheck check;

  public ValidatingHandler(AdmissionCheck check) {
    this.check = check;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    Operation op = Operation.valueOf(request.getOperation());
    return respond(check.check(op, ObjectTrees.toTree(request.getObject()), ObjectTrees.toTree(request.getOldObject())));
  }

  /** The response for a verdict: allowed or denied with its problems, warnings cut to what Kubernetes shows. */
  static AdmissionResponse respond(Verdict v) {
    AdmissionResponse r = v.allowed() ? allow() : deny(v.problems());
    if (!v.warnings().isEmpty()) {
      r.setWarnings(v.warnings().stream()
          .map(w -> w.length() > MAX_WARNING ? w.substring(0, MAX_WARNING - 1) + "…" : w).toList());
    }
    return r;
  }

  static AdmissionResponse allow() {
    AdmissionResponse r = new AdmissionResponse();
    r.setAllowed(true);
    return r;
  }

  /** A denial listing every problem, {@code path: message}, with one status cause per problem. */
  public static AdmissionResponse deny(List<Problem> problems) {
    String message = problems.size() == 1 ? problems.get(0).format()
        : problems.size() + " problems: " + problems.stream().map(Problem::format).collect(Collectors.joining("; "));
    List<StatusCause> causes = problems.stream().map(p -> new StatusCauseBuilder()
        .withField(p.path()).withMessage(p.message()).withReason("FieldValueInvalid").build()).toList();
    AdmissionResponse r = new AdmissionResponse();
    r.setAllowed(false);
    r.setStatus(new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden").withMessage(message)
        .withDetails(new StatusDetailsBuilder().withCauses(causes).build()).build());
    return r;
  }
}
