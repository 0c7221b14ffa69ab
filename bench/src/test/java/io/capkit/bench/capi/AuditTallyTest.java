package io.capkit.bench.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditTallyTest {
  private static final Instant FROM = Instant.parse("2026-12-06T13:54:00Z");
  private static final Instant TO = Instant.parse("2026-12-06T13:55:00Z");

  private static String event(String stage, String verb, String agent, String resource, String sub, String received,
                              String done) {
    return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"stage\":\"" + stage
        + "\",\"requestURI\":\"/apis/x?watch=true\",\"verb\":\"" + verb + "\",\"userAgent\":\"" + agent + "\","
        + (resource == null ? "" : "\"objectRef\":{\"resource\":\"" + resource + "\""
            + (sub == null ? "" : ",\"subresource\":\"" + sub + "\"") + ",\"namespace\":\"ns\"},")
        + "\"responseStatus\":{\"code\":200},\"requestReceivedTimestamp\":\"" + received
        + "\",\"stageTimestamp\":\"" + done + "\"}";
  }

  @Test
  void countsRequestsInTheWindowByClientVerbAndResource() {
    String capi = "capi-manager/v1.14.2 cluster-api-controller-manager (linux/amd64) cluster.x-k8s.io/unknown";
    AuditTally t = new AuditTally(FROM, TO);
    List.of(
        event("ResponseComplete", "create", capi, "machines", null, "2026-12-06T13:54:01.000000Z",
            "2026-12-06T13:54:01.004000Z"),
        event("ResponseComplete", "patch", capi, "machines", "status", "2026-12-06T13:54:02.000000Z",
            "2026-12-06T13:54:02.002500Z"),
        event("ResponseComplete", "patch", capi, "machines", "status", "2026-12-06T13:54:03.000000Z",
            "2026-12-06T13:54:03.001000Z"),
        event("ResponseComplete", "patch", "capkit-kvm-provider/dev", "kvmmachines", "status",
            "2026-12-06T13:54:30.000000Z", "2026-12-06T13:54:30.010000Z"),
        // A watch: counted once at ResponseStarted, its long open time never summed.
        event("ResponseStarted", "watch", "capkit-bench-capi/bench", "machines", null, "2026-12-06T13:54:05.000000Z",
            "2026-12-06T13:54:05.001000Z"),
        event("ResponseComplete", "watch", "capkit-bench-capi/bench", "machines", null, "2026-12-06T13:54:05.000000Z",
            "2026-12-06T13:59:05.000000Z"),
        // Outside the window (before, and exactly at its end).
        event("ResponseComplete", "get", capi, "clusters", null, "2026-12-06T13:53:59.999999Z",
            "2026-12-06T13:54:00.001000Z"),
        event("ResponseComplete", "get", capi, "clusters", null, "2026-12-06T13:55:00.000000Z",
            "2026-12-06T13:55:00.001000Z"),
        // No object: the path counts, without its query.
        event("ResponseComplete", "get", "", null, null, "2026-12-06T13:54:10.000000Z", "2026-12-06T13:54:10.000000Z"),
        "not json",
        "").forEach(t::accept);

    assertEquals(6, t.total());
    assertEquals(1, t.skipped());
    AuditTally.Client c = t.clients().get("capi-manager");
    assertEquals(3, c.requests());
    assertEquals(Map.of("create machines", 1L, "patch machines/status", 2L), c.byRequest());
    assertEquals(7.5, c.serverMillis(), 1e-9);
    assertEquals(List.of(Map.entry("patch machines/status", 2L)), c.top(1));
    AuditTally.Client harness = t.clients().get("capkit-bench-capi");
    assertEquals(1, harness.requests());
    assertEquals(0.0, harness.serverMillis());
    assertEquals(Map.of("get /apis/x", 1L), t.clients().get("unknown").byRequest());
    assertEquals("capi-manager", t.byRequests().get(0).getKey());
    assertNull(t.clients().get("kube-apiserver"));
  }

  @Test
  void slowRequestsLatencyBreakdownIsSummedByPart() {
    String slow = event("ResponseComplete", "patch", "capi-manager/v1.14.2", "machines", null,
        "2026-12-06T13:54:01.000000Z", "2026-12-06T13:54:01.700000Z").replace("\"responseStatus\"",
        "\"annotations\":{\"apiserver.latency.k8s.io/total\":\"700ms\",\"apiserver.latency.k8s.io/mutating-webhook\":"
            + "\"412.5ms\",\"apiserver.latency.k8s.io/etcd\":\"1.25ms\",\"authorization.k8s.io/decision\":\"allow\"},"
            + "\"responseStatus\"");
    String fast = event("ResponseComplete", "get", "capi-manager/v1.14.2", "machines", null,
        "2026-12-06T13:54:02.000000Z", "2026-12-06T13:54:02.001000Z");
    AuditTally t = new AuditTally(FROM, TO);
    t.accept(slow);
    t.accept(slow);
    t.accept(fast);
    AuditTally.Client c = t.clients().get("capi-manager");
    assertEquals(3, c.requests());
    assertEquals(2, c.brokenDown());
    assertEquals(Map.of("total", 1400.0, "mutating-webhook", 825.0, "etcd", 2.5), c.latencyMillis());
  }

  @Test
  void goDurations() {
    assertEquals(197.850769, AuditTally.goDurationMillis("197.850769ms"), 1e-9);
    assertEquals(0.004001, AuditTally.goDurationMillis("4.001µs"), 1e-12);
    assertEquals(62_500.0, AuditTally.goDurationMillis("1m2.5s"), 1e-9);
    assertEquals(0.0, AuditTally.goDurationMillis("0s"));
    assertEquals(0.00062, AuditTally.goDurationMillis("620ns"), 1e-12);
    assertTrue(Double.isNaN(AuditTally.goDurationMillis("fast")));
    assertTrue(Double.isNaN(AuditTally.goDurationMillis("12")));
    assertTrue(Double.isNaN(AuditTally.goDurationMillis("")));
  }

  @Test
  void clientIsTheFirstWordOfTheUserAgent() {
    assertEquals("kubeadm-bootstrap-manager",
        AuditTally.client("kubeadm-bootstrap-manager/v1.14.2 cluster-api-kubeadm-bootstrap-manager (linux/amd64)"));
    assertEquals("capkit-kvm-provider", AuditTally.client("capkit-kvm-provider/dev"));
    assertEquals("curl", AuditTally.client("curl 8.0"));
    assertEquals("unknown", AuditTally.client("  "));
  }
}
