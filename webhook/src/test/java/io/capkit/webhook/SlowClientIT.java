package io.capkit.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.release.ReleaseState;
import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.webhook.admission.Reviews;
import io.capkit.http.ConnectionLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Denial of service by slow peers: while many connections sit idle (plain TCP with no TLS hello, TLS with no
 * request) or drip a request a few bytes at a time (slowloris), normal AdmissionReviews are still answered; and the
 * server drops each slow peer once its time limit is over.
 */
class SlowClientIT {
  private static final int IDLE_TCP = 40;
  private static final int IDLE_TLS = 40;
  private static final int SLOWLORIS = 40;
  private static final ConnectionLimits LIMITS = new ConnectionLimits(Duration.ofSeconds(3), Duration.ofSeconds(3),
      Duration.ofSeconds(3), Duration.ofSeconds(30), 1024);

  @Test
  void slowPeersNeitherBlockReviewsNorStayForever(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate("capkit-webhook");
    cert.writeTo(dir);
    WebhookConfig config = new WebhookConfig(dir.resolve("tls.crt"), dir.resolve("tls.key"), 0, "127.0.0.1",
        Duration.ofSeconds(30), 2, WebhookConfig.DEFAULT_MAX_BODY).withLimits(LIMITS);
    List<Socket> attackers = new ArrayList<>();
    ExecutorService drip = Executors.newFixedThreadPool(8);
    try (WebhookServer server = WebhookServer.start(config,
        Reviews.lookup(Reviews.release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE)))) {
      for (int i = 0; i < IDLE_TCP; i++) {
        attackers.add(new Socket("127.0.0.1", server.port()));
      }
      for (int i = 0; i < IDLE_TLS + SLOWLORIS; i++) {
        SSLSocket s = (SSLSocket) cert.trustingContext().getSocketFactory().createSocket("127.0.0.1", server.port());
        s.startHandshake();
        attackers.add(s);
      }
      List<Future<?>> dripping = new ArrayList<>();
      for (Socket s : attackers.subList(IDLE_TCP + IDLE_TLS, attackers.size())) {
        dripping.add(drip.submit(() -> slowloris(s)));
      }
      // Every worker the JDK server had would now be blocked; these reviews must still be answered.
      var client = RunningWebhook.client(cert.trustingContext());
      var uri = java.net.URI.create("https://127.0.0.1:" + server.port() + "/validate-workloadcluster");
      for (int i = 0; i < 20; i++) {
        byte[] body = Reviews.review("during-" + i, "CREATE", "fleet.capkit.io", "WorkloadCluster",
            Reviews.workloadCluster(Map.of("WORKER_MACHINE_COUNT", 5)), null, false);
        HttpResponse<byte[]> r = client.send(java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
            .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("during-" + i, Reviews.response(r.body()).get("uid").asText());
        assertTrue(Reviews.response(r.body()).get("allowed").asBoolean());
      }
      // The server ends every slow peer after its limit (3 s here); the generous bound only guards against a hang.
      for (Socket s : attackers.subList(0, IDLE_TCP + IDLE_TLS)) {
        assertTrue(closedByServer(s), "an idle connection was dropped");
      }
      for (Future<?> f : dripping) {
        assertEquals(Boolean.TRUE, f.get(60, TimeUnit.SECONDS), "a slowloris connection was dropped");
      }
    } finally {
      drip.shutdownNow();
      for (Socket s : attackers) {
        s.close();
      }
    }
  }

  /** Sends a request head a few bytes per 200 ms; true once the server has closed the connection on us. */
  private static Boolean slowloris(Socket s) {
    byte[] head = ("POST /validate-workloadcluster HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "X-Padding: " + "a".repeat(4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    try {
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < head.length; i += 3) {
        out.write(head, i, Math.min(3, head.length - i));
        out.flush();
        Thread.sleep(200);
      }
      return false;
    } catch (IOException e) {
      return closedByServer(s);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits (up to 60 s) for the server's end of the connection: end of stream or a reset, not our own timeout. */
  private static boolean closedByServer(Socket s) {
    try {
      s.setSoTimeout(60_000);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1024];
      while (in.read(buf) >= 0) {
        // a 408/400 answer before the close is fine
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
