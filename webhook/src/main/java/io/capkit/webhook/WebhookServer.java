package io.capkit.webhook;

import io.capkit.api.contract.Contract;
import io.capkit.webhook.admission.AdmissionDispatcher;
import io.capkit.webhook.admission.AdmissionDispatcher.Reply;
import io.capkit.webhook.admission.AdmissionEndpoint;
import io.capkit.webhook.admission.AdmissionEndpoints;
import io.capkit.webhook.admission.InformerReleaseLookup;
import io.capkit.webhook.admission.ReleaseLookup;
import io.capkit.http.HttpHandler;
import io.capkit.http.HttpRequest;
import io.capkit.http.HttpResponse;
import io.capkit.http.HttpServer;
import io.capkit.webhook.tls.CertificateReloader;
import io.capkit.webhook.tls.ReloadingKeyManager;
import io.capkit.webhook.tls.TlsMaterial;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS admission server on {@link HttpServer} (the framework brings no server; the JDK's {@code HttpsServer}
 * lets a silent or slow TLS peer block one of its few workers). Reviews over 64 KiB are handled on a bounded worker pool,
 * everything else on the event loops; what one client address can hold is capped (see {@link io.capkit.http.ConnectionLimits}). Serves the admission endpoints, {@code /healthz}, {@code /readyz} and {@code /metrics}; TLS 1.2+ with AEAD
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

  private final HttpServer server;
  private final CertificateReloader reloader;
  private final ReloadingKeyManager keyManager;
  private final AdmissionDispatcher dispatcher;
  private final WebhookMetrics metrics;
  private final ReleaseLookup releases;
  private final int maxBody;
  private final boolean clientCa;

  private WebhookServer(WebhookConfig config, AdmissionDispatcher dispatcher, ReleaseLookup releases)
      throws IOException {
    TlsMaterial material = TlsMaterial.load(config.certFile(), config.keyFile());
    this.keyManager = new ReloadingKeyManager(material);
    this.dispatcher = dispatcher;
    this.releases = releases;
    this.maxBody = config.maxBodyBytes();
    this.metrics = new WebhookMetrics(dispatcher.paths());
    this.clientCa = config.clientCa() != null;
    SslContext tls = serverContext(keyManager, OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK,
        config.clientCa());
    this.server = HttpServer.start(tls, new InetSocketAddress(config.bindAddress(), config.port()),
        config.limits(), config.threads(), maxBody, new HttpHandler() {
          @Override
          public HttpResponse handle(HttpRequest request) {
            return WebhookServer.this.handle(request);
          }

          @Override
          public void written(HttpRequest request, HttpResponse response, long nanos) {
            if (!"probe".equals(response.label())) {
              metrics.record(request.path(), response.label(), nanos);
            }
          }

          @Override
          public void refused(int status) {
            metrics.count(WebhookMetrics.OTHER, status == 413 ? "too_large" : "bad_http");
          }
        });
    this.reloader = new CertificateReloader(config.certFile(), config.keyFile(), keyManager, config.reloadInterval());
    LOG.info("capkit webhook listening on https://{}:{} ({} endpoints, certificate {}, TLS {}, {} event loops on {})",
        config.bindAddress(), port(), dispatcher.paths().size(), material.chain()[0].getSubjectX500Principal().getName(),
        tlsLibrary(tls), config.threads(), server.transport());
  }

  /**
   * TLS 1.2+ with forward secrecy and AEAD only, from BoringSSL where netty-tcnative loads (its AES-GCM costs a
   * fraction of the JDK's per request), from the JDK otherwise; the key manager is asked at every handshake.
   */
  static SslContext serverContext(KeyManager keyManager) {
    return serverContext(keyManager, OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
  }

  static SslContext serverContext(KeyManager keyManager, SslProvider provider) {
    return serverContext(keyManager, provider, null);
  }

  /**
   * With {@code clientCa}, a client may present a certificate chaining to it (the API server's, see
   * {@code docs/security.md}); it is optional at the TLS level so that probes without one reach {@code /healthz},
   * and required by {@link #admit} for every review.
   */
  static SslContext serverContext(KeyManager keyManager, SslProvider provider, Path clientCa) {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(keyManager).sslProvider(provider).protocols(PROTOCOLS)
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
      if (clientCa == null) {
        b.clientAuth(ClientAuth.NONE);
      } else {
        b.trustManager(clientCa.toFile()).clientAuth(ClientAuth.OPTIONAL);
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException("TLS is not available"
          + (clientCa == null ? "" : " with client CA " + clientCa) + ": " + e.getMessage(), e);
    }
  }

  private static String tlsLibrary(SslContext tls) {
    return tls instanceof OpenSslContext ? OpenSsl.versionString() : "JDK";
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
    return server.port();
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

  private HttpResponse handle(HttpRequest request) {
    String path = request.path();
    try {
      return switch (path) {
        case "/healthz" -> HttpResponse.text(200, "ok", "probe");
        case "/readyz" -> releases.ready() ? HttpResponse.text(200, "ok", "probe")
            : HttpResponse.text(503, "release cache not synced", "probe");
        case "/metrics" -> HttpResponse.of(200, "text/plain; version=0.0.4; charset=utf-8",
            metrics.scrape().getBytes(StandardCharsets.UTF_8), "probe");
        default -> admit(request, path);
      };
    } catch (RuntimeException e) {
      LOG.error("unexpected error serving {}", path, e);
      return HttpResponse.text(500, "internal error", "error");
    }
  }

  private HttpResponse admit(HttpRequest request, String path) {
    Optional<AdmissionEndpoint> endpoint = dispatcher.endpoint(path);
    if (endpoint.isEmpty()) {
      return HttpResponse.text(404, "no admission endpoint at " + path, "not_found");
    }
    if (clientCa && request.clientCertificate() == null) {
      return HttpResponse.text(403, "a client certificate from the API server is required", "no_client_certificate");
    }
    if (!"POST".equals(request.method())) {
      return HttpResponse.text(405, "use POST", "method_not_allowed").withHeader("Allow", "POST");
    }
    String type = request.header("content-type");
    if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      return HttpResponse.text(415, "Content-Type must be application/json", "unsupported_media_type");
    }
    Reply reply = dispatcher.review(endpoint.get(), request.body());
    return HttpResponse.of(reply.status(), reply.contentType(), reply.body(), reply.outcome());
  }

  @Override
  public void close() {
    server.close();
    reloader.close();
  }
}
