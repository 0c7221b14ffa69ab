package io.capkit.webhook.admission;

import io.capkit.api.Problem;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import io.javaoperatorsdk.webhook.admission.NotAllowedException;
import io.javaoperatorsdk.webhook.admission.AdmissionUtils;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework lets exceptions escape its handlers; this turns any failure of a rule into a denial that says so,
 * and makes sure a validating endpoint never returns a patch and a mutating one no empty patch.
 */
final class GuardedHandler implements AdmissionRequestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedHandler.class);
  private static final String EMPTY_PATCH = "W10="; // base64 of "[]"

  private final String endpoint;
  private final boolean mutating;
  private final AdmissionRequestHandler delegate;

  GuardedHandler(String endpoint, boolean mutating, AdmissionRequestHandler delegate) {
    this.endpoint = endpoint;
    this.mutating = mutating;
    this.delegate = delegate;
  }

  @Override
  public AdmissionResponse handle(AdmissionRequest request) {
    AdmissionResponse r;
    try {
      r = delegate.handle(request);
    } catch (NotAllowedException e) {
      r = AdmissionUtils.notAllowedExceptionToAdmissionResponse(e);
    } catch (RuntimeException | StackOverflowError e) {
      r = internalError(endpoint, request.getUid(), e);
    }
    if (!mutating || EMPTY_PATCH.equals(r.getPatch()) || !Boolean.TRUE.equals(r.getAllowed())) {
      r.setPatch(null);
      r.setPatchType(null);
    }
    return r;
  }

  /** The denial for a rule that failed: says so, and where to look, without the exception's message. */
  static AdmissionResponse internalError(String endpoint, String uid, Throwable e) {
    LOG.error("internal error in {} for request {}", endpoint, uid, e);
    return ValidatingHandler.deny(List.of(Problem.at("", "internal error in the capkit webhook " + endpoint + " ("
        + e.getClass().getSimpleName() + "); the request was not admitted, see the webhook log for uid " + uid)));
  }
}
