package io.capkit.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.capkit.api.contract.Contract;
import io.capkit.webhook.admission.AdmissionDispatcher;
import io.capkit.webhook.admission.AdmissionDispatcher.Reply;
import io.capkit.webhook.admission.AdmissionEndpoint;
import io.capkit.webhook.admission.AdmissionEndpoints;
import io.capkit.webhook.admission.InformerReleaseLookup;
import io.capkit.webhook.admission.ReleaseLookup;
import io.capkit.webhook.tls.CertificateReloader;
import io.capkit.webhook.tls.ReloadingKeyManager;
import io.capkit.webhook.tls.TlsMaterial;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS admission server (JDK {@code HttpsServer}: no extra dependency, keep-alive, and an executor we bound).
 * Serves the admission endpoints, {@code /healthz}, {@code /readyz} and {@code /metrics}; TLS 1.2+ with AEAD
 * ciphers only; the certificate is re-read when its files change.
 */
public final class WebhookServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /** Forward secrecy and AEAD only; TLS 1.3 suites first. */
  static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  static {
    // The JDK server writes headers and body apart; without TCP_NODELAY, delayed ACKs add ~40 ms per response.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpsServer server;
  private final ThreadPoolExecutor executor;
  private final CertificateReloader reloader;
  private final ReloadingKeyManager keyManager;
  private final AdmissionDispatcher dispatcher;
  private final WebhookMetrics metrics;
  private final ReleaseLookup releases;
  private final int maxBody;

  private WebhookServer(WebhookConfig config, AdmissionDispatcher dispatcher, ReleaseLookup releases)
      throws IOException {
    TlsMaterial material = TlsMaterial.load(config.certFile(), config.keyFile());
    this.keyManager = new ReloadingKeyManager(material);
    this.dispatcher = dispatcher;
    this.releases = releases;
    this.maxBody = config.maxBodyBytes();
    this.metrics = new WebhookMetrics(dispatcher.paths());
    SSLContext ssl;
    try {
      ssl = SSLContext.getInstance("TLS");
      ssl.init(new KeyManager[] {keyManager}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JDK", e);
    }
    SSLParameters supported = ssl.getSupportedSSLParameters();
    String[] protocols = PROTOCOLS.stream().filter(Arrays.asList(supported.getProtocols())::contains)
        .toArray(String[]::new);
    String[] ciphers = CIPHERS.stream().filter(Arrays.asList(supported.getCipherSuites())::contains)
        .toArray(String[]::new);
    this.server = HttpsServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 128);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = ssl.getDefaultSSLParameters();
        p.setProtocols(protocols);
        p.setCipherSuites(ciphers);
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(false);
        params.setSSLParameters(p);
      }
    });
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(config.threads() * 64), r -> {
          Thread t = new Thread(r, "capkit-webhook-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    this.reloader = new CertificateReloader(config.certFile(), config.keyFile(), keyManager, config.reloadInterval());
    server.start();
    LOG.info("capkit webhook listening on https://{}:{} ({} endpoints, certificate {})", config.bindAddress(),
        port(), dispatcher.paths().size(), material.chain()[0].getSubjectX500Principal().getName());
  }

  /**
   * Starts a server with the standard endpoints. Throws {@link io.capkit.webhook.tls.InvalidTlsMaterialException}
   * when the certificate or key cannot be used, naming the file.
   */
  public static WebhookServer start(WebhookConfig config, ReleaseLookup releases) throws IOException {
    return start(config, new AdmissionDispatcher(AdmissionEndpoints.standard(Contract.standard(), releases)), releases);
  }

  public static WebhookServer start(WebhookConfig config, AdmissionDispatcher dispatcher, ReleaseLookup releases)
      throws IOException {
    return new WebhookServer(config, dispatcher, releases);
  }

  /**
   * The entry point behind {@code capkit webhook serve}: reads Releases through an informer from the cluster the
   * default kubeconfig (or the pod's service account) points at, serves until the JVM is stopped.
   */
  public static void serve(WebhookConfig config) throws IOException, InterruptedException {
    KubernetesClient client = new KubernetesClientBuilder().build();
    InformerReleaseLookup releases = new InformerReleaseLookup(client);
    WebhookServer server = start(config, releases);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      releases.close();
      client.close();
      stopped.countDown();
    }, "capkit-webhook-shutdown"));
    stopped.await();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The certificate new connections are served with (changes after a rotation). */
  public java.security.cert.X509Certificate certificate() {
    return keyManager.certificate();
  }

  /** Checks the certificate files now instead of waiting for the next poll; true when a new pair was loaded. */
  public boolean reloadCertificate() {
    return reloader.check();
  }

  public String scrapeMetrics() {
    return metrics.scrape();
  }

  private void handle(HttpExchange ex) throws IOException {
    long start = System.nanoTime();
    String path = ex.getRequestURI().getPath();
    String outcome;
    try {
      outcome = switch (path) {
        case "/healthz" -> send(ex, 200, "text/plain; charset=utf-8", bytes("ok\n"), "ok");
        case "/readyz" -> releases.ready() ? send(ex, 200, "text/plain; charset=utf-8", bytes("ok\n"), "ok")
            : send(ex, 503, "text/plain; charset=utf-8", bytes("release cache not synced\n"), "not_ready");
        case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", bytes(metrics.scrape()), "ok");
        default -> admit(ex, path);
      };
    } catch (IOException e) {
      outcome = "io_error";
      LOG.debug("connection problem on {}: {}", path, e.toString());
    } catch (RuntimeException e) {
      outcome = "error";
      LOG.error("unexpected error serving {}", path, e);
      try {
        send(ex, 500, "text/plain; charset=utf-8", bytes("internal error\n"), "error");
      } catch (IOException | RuntimeException ignored) {
        // the response was already started; closing the exchange below ends the connection
      }
    } finally {
      ex.close();
    }
    if (!path.equals("/metrics") && !path.equals("/healthz") && !path.equals("/readyz")) {
      metrics.record(path, outcome, System.nanoTime() - start);
    }
  }

  private String admit(HttpExchange ex, String path) throws IOException {
    Optional<AdmissionEndpoint> endpoint = dispatcher.endpoint(path);
    if (endpoint.isEmpty()) {
      return send(ex, 404, "text/plain; charset=utf-8", bytes("no admission endpoint at " + path + "\n"), "not_found");
    }
    if (!"POST".equals(ex.getRequestMethod())) {
      ex.getResponseHeaders().set("Allow", "POST");
      return send(ex, 405, "text/plain; charset=utf-8", bytes("use POST\n"), "method_not_allowed");
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      return send(ex, 415, "text/plain; charset=utf-8", bytes("Content-Type must be application/json\n"),
          "unsupported_media_type");
    }
    byte[] body = readBody(ex);
    if (body == null) {
      ex.getResponseHeaders().set("Connection", "close");
      return send(ex, 413, "text/plain; charset=utf-8", bytes("request body larger than " + maxBody + " bytes\n"),
          "too_large");
    }
    Reply reply = dispatcher.review(endpoint.get(), body);
    return send(ex, reply.status(), reply.contentType(), reply.body(), reply.outcome());
  }

  /** The body, or null when it is (or says it is) larger than the limit; a large body is never read whole. */
  private byte[] readBody(HttpExchange ex) throws IOException {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        return null;
      }
      if (length > maxBody) {
        return null;
      }
    }
    InputStream in = ex.getRequestBody();
    ByteArrayOutputStream out = new ByteArrayOutputStream(length > 0 ? (int) length : 8192);
    byte[] buf = new byte[16384];
    int total = 0;
    for (int r; (r = in.read(buf)) > 0; ) {
      total += r;
      if (total > maxBody) {
        return null;
      }
      out.write(buf, 0, r);
    }
    return out.toByteArray();
  }

  private static String send(HttpExchange ex, int status, String type, byte[] body, String outcome) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
    return outcome;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    reloader.close();
  }
}
