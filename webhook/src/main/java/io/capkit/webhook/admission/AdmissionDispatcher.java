package io.capkit.webhook.admission;

import io.capkit.api.Problem;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.capkit.webhook.admission.AdmissionReviewCodec.ValidationInput;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bytes in, bytes out: routes an AdmissionReview body to its endpoint and answers with an AdmissionReview, or with
 * a 400 for a body that is not one. No HTTP here, so the whole admission path is testable without a socket.
 */
public final class AdmissionDispatcher {
  /** An HTTP answer: status, content type, body, and the outcome label for metrics. */
  public record Reply(int status, String contentType, byte[] body, String outcome) {
    static Reply text(int status, String message, String outcome) {
      return new Reply(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), outcome);
    }
  }

  private final Map<String, AdmissionEndpoint> endpoints = new LinkedHashMap<>();
  private final AdmissionReviewCodec codec = new AdmissionReviewCodec();

  public AdmissionDispatcher(List<AdmissionEndpoint> endpoints) {
    endpoints.forEach(e -> this.endpoints.put(e.path(), e));
  }

  public Optional<AdmissionEndpoint> endpoint(String path) {
    return Optional.ofNullable(endpoints.get(path));
  }

  public List<String> paths() {
    return List.copyOf(endpoints.keySet());
  }

  /** Handles one review body for {@code endpoint}. */
  public Reply review(AdmissionEndpoint endpoint, byte[] body) {
    try {
      return endpoint.check() != null ? validate(endpoint, codec.readForValidation(body, endpoint.check().reads()))
          : mutate(endpoint, codec.read(body));
    } catch (MalformedReviewException e) {
      return Reply.text(400, e.getMessage(), "bad_request");
    }
  }

  /** Validating endpoints: one parse into plain trees, the check, and for a plain admission a fixed answer. */
  private Reply validate(AdmissionEndpoint endpoint, ValidationInput in) {
    AdmissionResponse r;
    if (!endpoint.kind().equals(in.kind()) || !endpoint.group().equals(in.group())) {
      r = wrongKind(endpoint, in.kind() == null ? null : new GroupVersionKind(in.group(), in.kind(), null));
    } else if (!"CREATE".equals(in.operation()) && !"UPDATE".equals(in.operation())) {
      return new Reply(200, "application/json", codec.writeAllowed(in.uid()), "allowed");
    } else {
      try {
        Verdict v = endpoint.check().check(Operation.valueOf(in.operation()), in.object(), in.oldObject());
        r = v.allowed() && v.warnings().isEmpty() ? null : ValidatingHandler.respond(v);
      } catch (RuntimeException | StackOverflowError e) {
        r = GuardedHandler.internalError(endpoint.path(), in.uid(), e);
      }
    }
    if (r == null) {
      return new Reply(200, "application/json", codec.writeAllowed(in.uid()), "allowed");
    }
    AdmissionReview answer = single(in.uid(), r);
    return new Reply(200, "application/json", codec.write(answer), Boolean.TRUE.equals(r.getAllowed())
        ? "allowed" : "denied");
  }

  /** Mutating endpoints: through the framework's controller, which computes the JSONPatch. */
  private Reply mutate(AdmissionEndpoint endpoint, AdmissionReview review) {
    AdmissionRequest request = review.getRequest();
    AdmissionReview answer;
    String op = request.getOperation();
    if (!kindMatches(endpoint, request.getKind())) {
      answer = single(request.getUid(), wrongKind(endpoint, request.getKind()));
    } else if (!"CREATE".equals(op) && !"UPDATE".equals(op)) {
      answer = single(request.getUid(), ValidatingHandler.allow()); // capkit has no rules for DELETE or CONNECT
    } else {
      answer = endpoint.controller().handle(review);
    }
    AdmissionResponse r = answer.getResponse();
    r.setUid(request.getUid());
    return new Reply(200, "application/json", codec.write(answer), Boolean.TRUE.equals(r.getAllowed())
        ? (r.getPatch() != null ? "patched" : "allowed") : "denied");
  }

  private static AdmissionResponse wrongKind(AdmissionEndpoint endpoint, GroupVersionKind gvk) {
    return ValidatingHandler.deny(List.of(Problem.at("", "endpoint " + endpoint.path() + " admits "
        + endpoint.group() + " " + endpoint.kind() + ", not " + describe(gvk)
        + "; check the webhook configuration's rules")));
  }

  private static AdmissionReview single(String uid, AdmissionResponse response) {
    response.setUid(uid);
    AdmissionReview review = new AdmissionReview();
    review.setResponse(response);
    return review;
  }

  private static boolean kindMatches(AdmissionEndpoint e, GroupVersionKind gvk) {
    return gvk != null && e.kind().equals(gvk.getKind()) && e.group().equals(gvk.getGroup());
  }

  private static String describe(GroupVersionKind gvk) {
    return gvk == null ? "an object without request.kind" : gvk.getGroup() + " " + gvk.getKind();
  }
}
