package io.capkit.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.SelfSignedCertificate.KeyFormat;
import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.webhook.admission.Reviews;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates rotate under a steady stream of requests: no request fails, new connections get the new one. */
class CertificateRotationIT {

  private static SSLContext trusting(List<SelfSignedCertificate> pairs) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    for (int i = 0; i < pairs.size(); i++) {
      ks.setCertificateEntry("c" + i, pairs.get(i).certificate());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** The certificate a brand-new client sees; a fresh context, so no TLS session is resumed. */
  private static X509Certificate served(List<SelfSignedCertificate> pairs, int port) throws Exception {
    SSLContext ctx = trusting(pairs);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void rotatesWithoutFailingARequest(@TempDir Path dir) throws Exception {
    List<SelfSignedCertificate> pairs = new ArrayList<>();
    KeyFormat[] formats = {KeyFormat.PKCS8_RSA, KeyFormat.PKCS8_EC, KeyFormat.PKCS8_RSA, KeyFormat.PKCS8_EC};
    for (int i = 0; i < 4; i++) {
      pairs.add(SelfSignedCertificate.generate("capkit-webhook-" + i, formats[i]));
    }
    SSLContext trustAll = trusting(pairs);
    try (RunningWebhook webhook = new RunningWebhook(dir, Reviews.lookup(), Duration.ofMillis(50), pairs.get(0))) {
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final int id = t;
        Thread c = new Thread(() -> {
          // Two threads reuse kept-alive connections, two open a new connection (a new handshake) per request.
          HttpClient shared = RunningWebhook.client(trustAll);
          int n = 0;
          while (running.get()) {
            HttpClient http = id % 2 == 0 ? shared : RunningWebhook.client(trustAll);
            String uid = "r-" + id + "-" + n++;
            try {
              var r = webhook.post(http, "/mutate-workloadcluster", Reviews.review(uid, "CREATE", "fleet.capkit.io",
                  "WorkloadCluster", Reviews.workloadCluster(null), null, false));
              if (r.statusCode() != 200 || !Reviews.response(r.body()).get("uid").asText().equals(uid)) {
                failures.add(uid + ": HTTP " + r.statusCode());
              } else {
                ok.incrementAndGet();
              }
            } catch (Exception e) {
              failures.add(uid + ": " + e);
            }
          }
        });
        c.start();
        clients.add(c);
      }
      for (int i = 1; i < pairs.size(); i++) {
        Thread.sleep(400);
        pairs.get(i).writeTo(dir);
        X509Certificate expected = pairs.get(i).certificate();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!webhook.server.certificate().equals(expected) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(expected, webhook.server.certificate(), "rotation " + i + " picked up");
        assertEquals(expected, served(pairs, webhook.server.port()), "new connections get the new certificate");
      }
      // A broken rotation (key of another certificate) keeps the current pair.
      Files.writeString(dir.resolve("tls.key"), pairs.get(0).keyPem());
      Thread.sleep(400);
      assertTrue(!webhook.server.reloadCertificate(), "a mismatched pair is not loaded");
      assertEquals(pairs.get(3).certificate(), served(pairs, webhook.server.port()));
      Thread.sleep(300);
      running.set(false);
      for (Thread c : clients) {
        c.join(20_000);
      }
      assertEquals(List.of(), List.copyOf(failures));
      assertTrue(ok.get() > 50, "a real stream of requests ran: " + ok.get());
    }
  }
}
