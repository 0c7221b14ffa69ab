package io.capkit.webhook.admission;

/** A request body that is not an admission.k8s.io/v1 AdmissionReview; answered with HTTP 400. */
public class MalformedReviewException extends Exception {
  public MalformedReviewException(String message) {
    super(message, null, false, false);
  }
}
