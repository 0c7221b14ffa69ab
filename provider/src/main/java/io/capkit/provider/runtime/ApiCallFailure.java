package io.capkit.provider.runtime;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A Kubernetes API call of a reconciler that failed: which call and for what, and the HTTP status, e.g.
 * {@code patch KVMMachine (claim host h1): HTTP 409 Conflict}. The message leaves out the request and the server's
 * text (an admission denial may echo anything), so it is safe for events; it holds no resourceVersion or time, so
 * a failure repeated by the framework's retries folds into one Event with a count.
 */
public final class ApiCallFailure extends RuntimeException {
  /** The Warning event reason. */
  public static final String REASON = "ApiError";
  /** Status reasons are CamelCase words ({@code Conflict}, {@code Forbidden}); anything else is left out. */
  private static final Pattern STATUS_REASON = Pattern.compile("[A-Za-z]{1,40}");

  private final int code;

  private ApiCallFailure(String operation, KubernetesClientException cause) {
    super(message(operation, cause), cause);
    this.code = cause.getCode();
  }

  /** Runs {@code call}; a client exception comes out as an ApiCallFailure naming {@code operation}. */
  public static <T> T during(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      throw new ApiCallFailure(operation, e);
    }
  }

  public static ApiCallFailure of(String operation, KubernetesClientException e) {
    return new ApiCallFailure(operation, e);
  }

  /**
   * The API failure behind {@code e}: an ApiCallFailure in its causes as it is, else the first client exception,
   * named {@code unnamedOperation}; empty when no API call failed.
   */
  public static Optional<ApiCallFailure> in(Throwable e, String unnamedOperation) {
    KubernetesClientException bare = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ApiCallFailure f) {
        return Optional.of(f);
      }
      if (bare == null && t instanceof KubernetesClientException k) {
        bare = k;
      }
    }
    return Optional.ofNullable(bare).map(k -> new ApiCallFailure(unnamedOperation, k));
  }

  /** The HTTP status code, 0 when no response came (connection refused, timeout). */
  public int code() {
    return code;
  }

  static String message(String operation, KubernetesClientException e) {
    if (e.getCode() <= 0) {
      return operation + ": no HTTP response";
    }
    String reason = e.getStatus() == null ? null : e.getStatus().getReason();
    return operation + ": HTTP " + e.getCode()
        + (reason != null && STATUS_REASON.matcher(reason).matches() ? " " + reason : "");
  }
}
