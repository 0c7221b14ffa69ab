package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ApiCallFailureTest {
  private static KubernetesClientException http(int code, String reason, String serverText) {
    Status status = new StatusBuilder().withCode(code).withReason(reason).withMessage(serverText).build();
    return new KubernetesClientException("Failure executing: PATCH at: https://10.0.0.1:6443/apis/x. Message: "
        + serverText, code, status);
  }

  @Test
  void messageIsOperationHttpCodeAndStatusReasonOnly() {
    ApiCallFailure f = ApiCallFailure.of("patch KVMMachine (claim host h1)",
        http(409, "Conflict", "the object has been modified; resourceVersion 4711"));
    assertEquals("patch KVMMachine (claim host h1): HTTP 409 Conflict", f.getMessage());
    assertEquals(409, f.code());
  }

  @Test
  void serverTextRequestAndAddressNeverReachTheMessage() {
    // An admission denial may echo the object, bootstrap data included.
    String echoed = "denied: #cloud-config runcmd kubeadm join --token s3cr3t";
    String m = ApiCallFailure.of("get Secret boot (bootstrap data)", http(403, "Forbidden", echoed)).getMessage();
    assertEquals("get Secret boot (bootstrap data): HTTP 403 Forbidden", m);
    assertFalse(m.contains("s3cr3t") || m.contains("6443") || m.contains("PATCH"), m);
  }

  @Test
  void sameFailureTwiceGivesTheSameMessageSoEventsFold() {
    assertEquals(ApiCallFailure.of("op", http(409, "Conflict", "version 1")).getMessage(),
        ApiCallFailure.of("op", http(409, "Conflict", "version 2")).getMessage());
  }

  @Test
  void oddOrMissingStatusReasonIsLeftOutAndNoResponseIsSaidSo() {
    assertEquals("op: HTTP 500", ApiCallFailure.of("op", http(500, null, "boom")).getMessage());
    assertEquals("op: HTTP 422", ApiCallFailure.of("op", http(422, "not a reason: s3cr3t", "x")).getMessage());
    assertEquals("op: HTTP 418", ApiCallFailure.of("op", new KubernetesClientException("teapot", 418, null))
        .getMessage());
    KubernetesClientException refused = new KubernetesClientException("connect to 10.0.0.1 refused",
        new IOException("Connection refused"));
    assertEquals("op: no HTTP response", ApiCallFailure.of("op", refused).getMessage());
  }

  @Test
  void duringNamesTheOperationAndKeepsTheCause() {
    KubernetesClientException cause = http(403, "Forbidden", "no");
    ApiCallFailure f = assertThrows(ApiCallFailure.class, () -> ApiCallFailure.during("list KVMMachines", () -> {
      throw cause;
    }));
    assertEquals("list KVMMachines: HTTP 403 Forbidden", f.getMessage());
    assertSame(cause, f.getCause());
    assertEquals("ok", ApiCallFailure.during("get", () -> "ok"));
  }

  @Test
  void inFindsANamedFailureFirstThenABareClientExceptionAndNothingElse() {
    ApiCallFailure named = ApiCallFailure.of("patch KVMMachine (remove finalizer)", http(422, "Invalid", "x"));
    assertSame(named, ApiCallFailure.in(new CompletionException(named), "unnamed").orElseThrow());
    assertEquals("patch KVMMachine status: HTTP 409 Conflict", ApiCallFailure.in(
        new RuntimeException(http(409, "Conflict", "x")), "patch KVMMachine status").orElseThrow().getMessage());
    assertTrue(ApiCallFailure.in(new IllegalStateException("not an API error"), "unnamed").isEmpty());
  }
}
