package io.capkit.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.capkit.api.release.ReleaseState;
import io.capkit.webhook.admission.Reviews;
import io.capkit.webhook.tls.InvalidTlsMaterialException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over real HTTPS on 127.0.0.1. */
class WebhookServerIT {
  @TempDir
  static Path dir;
  static RunningWebhook webhook;

  @BeforeAll
  static void start() throws Exception {
    webhook = new RunningWebhook(dir, Reviews.lookup(Reviews.release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE)),
        Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    webhook.close();
  }

  private static byte[] wcReview(String uid, Map<String, Object> variables) {
    return Reviews.review(uid, "CREATE", "fleet.capkit.io", "WorkloadCluster", Reviews.workloadCluster(variables),
        null, false);
  }

  @Test
  void admitsAndDeniesOverHttps() throws Exception {
    HttpResponse<byte[]> ok = webhook.post("/mutate-workloadcluster", wcReview("a-1", null));
    assertEquals(200, ok.statusCode());
    assertEquals("application/json", ok.headers().firstValue("Content-Type").orElseThrow());
    JsonNode r = Reviews.response(ok.body());
    assertEquals("a-1", r.get("uid").asText());
    assertEquals("JSONPatch", r.get("patchType").asText());
    HttpResponse<byte[]> bad = webhook.post("/validate-workloadcluster", wcReview("a-2",
        Map.of("SERVICE_IP_RANGE", "172.24.0.0/20")));
    JsonNode d = Reviews.response(bad.body());
    assertFalse(d.get("allowed").asBoolean());
    assertEquals("spec.variables.SERVICE_IP_RANGE: 172.24.0.0/20 overlaps POD_IP_RANGE 172.24.0.0/16",
        d.path("status").path("message").asText());
  }

  @Test
  void healthReadinessAndMetrics() throws Exception {
    assertEquals(200, webhook.get("/healthz").statusCode());
    assertEquals(200, webhook.get("/readyz").statusCode());
    webhook.post("/validate-workloadcluster", wcReview("m-1", Map.of("WORKER_MACHINE_COUNT", 0)));
    webhook.post("/validate-workloadcluster", "{".getBytes(StandardCharsets.UTF_8));
    String metrics = webhook.get("/metrics").body();
    assertTrue(metrics.contains("capkit_webhook_requests_total{endpoint=\"/validate-workloadcluster\",outcome=\"denied\"}"),
        metrics);
    assertTrue(metrics.contains("capkit_webhook_requests_total{endpoint=\"/validate-workloadcluster\",outcome=\"bad_request\"}"));
    assertTrue(metrics.contains("capkit_webhook_request_duration_seconds_bucket{endpoint=\"/validate-workloadcluster\",le="),
        "latency histogram per endpoint");
    assertEquals(404, webhook.get("/nothing-here").statusCode());
    assertEquals(405, webhook.get("/validate-release").statusCode());
    assertTrue(webhook.get("/metrics").body().contains("endpoint=\"other\",outcome=\"not_found\""));
  }

  @Test
  void malformedJsonIs400AndTheServerCarriesOn() throws Exception {
    HttpResponse<byte[]> r = webhook.post("/validate-release", "{\"apiVersion\": [".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.statusCode());
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("body is not valid JSON"));
    assertEquals(200, webhook.post("/mutate-workloadcluster", wcReview("after", null)).statusCode());
  }

  @Test
  void anOversizedBodyIsRefusedBeforeItIsSent() throws Exception {
    try (SSLSocket s = webhook.connect()) {
      RunningWebhook.post(s.getOutputStream(), "/validate-release", 4 * 1024 * 1024,
          "{\"apiVersion\":".getBytes(StandardCharsets.US_ASCII));
      String response = RunningWebhook.readResponse(s.getInputStream());
      assertTrue(response.startsWith("HTTP/1.1 413"), response);
      assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), response);
    }
    assertEquals(200, webhook.post("/mutate-workloadcluster", wcReview("after-big", null)).statusCode());
  }

  @Test
  void aBodyWithoutALengthIsCutOffAtTheLimitWith413() throws Exception {
    try (SSLSocket s = webhook.connect()) {
      s.startHandshake();
      java.io.OutputStream out = s.getOutputStream();
      // The server answers and closes while the body is still being sent: write from another thread, so that the
      // answer is read whatever happens to the writes (which are expected to fail once the server has closed).
      Thread writer = new Thread(() -> {
        try {
          out.write(("POST /validate-release HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          byte[] chunk = new byte[64 * 1024];
          java.util.Arrays.fill(chunk, (byte) ' ');
          for (long sent = 0; sent <= 2L * WebhookConfig.DEFAULT_MAX_BODY; sent += chunk.length) {
            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          out.flush();
        } catch (IOException expected) {
          // the server closed the connection after its 413: that is what this test wants
        }
      });
      writer.start();
      String response = RunningWebhook.readResponse(s.getInputStream());
      writer.join(10_000);
      assertTrue(response.startsWith("HTTP/1.1 413"), response);
      assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), response);
    }
    assertEquals(200, webhook.post("/mutate-workloadcluster", wcReview("after-chunked", null)).statusCode());
  }

  @Test
  void keepAliveServesManyRequestsOnOneConnection() throws Exception {
    try (SSLSocket s = webhook.connect()) {
      for (int i = 0; i < 5; i++) {
        byte[] body = wcReview("ka-" + i, null);
        RunningWebhook.post(s.getOutputStream(), "/mutate-workloadcluster", body.length, body);
        String response = RunningWebhook.readResponse(s.getInputStream());
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\"uid\":\"ka-" + i + "\""), response);
      }
    }
  }

  @Test
  void onlyStrongTlsIsOffered() throws Exception {
    for (String[] weak : new String[][] {{"TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"},
        {"TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}}) {
      try (SSLSocket s = (SSLSocket) webhook.pair.trustingContext().getSocketFactory()
          .createSocket("127.0.0.1", webhook.server.port())) {
        s.setEnabledProtocols(new String[] {weak[0]});
        s.setEnabledCipherSuites(new String[] {weak[1]});
        assertThrows(SSLHandshakeException.class, s::startHandshake, weak[1]);
      }
    }
    try (SSLSocket s = (SSLSocket) webhook.pair.trustingContext().getSocketFactory()
        .createSocket("127.0.0.1", webhook.server.port())) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.startHandshake();
      assertTrue(s.getSession().getCipherSuite().startsWith("TLS_ECDHE_RSA_WITH_"), s.getSession().getCipherSuite());
    }
  }

  @Test
  void invalidTlsMaterialStopsTheStartWithTheFileName(@TempDir Path other) throws Exception {
    Files.writeString(other.resolve("tls.crt"), "not a certificate");
    Files.writeString(other.resolve("tls.key"), "not a key");
    WebhookConfig config = new WebhookConfig(other.resolve("tls.crt"), other.resolve("tls.key"), 0, "127.0.0.1",
        Duration.ofSeconds(1), 2, 1024);
    InvalidTlsMaterialException e = assertThrows(InvalidTlsMaterialException.class,
        () -> WebhookServer.start(config, Reviews.lookup()));
    assertEquals(other.resolve("tls.crt") + ": no \"BEGIN CERTIFICATE\" block found", e.getMessage());
  }
}
