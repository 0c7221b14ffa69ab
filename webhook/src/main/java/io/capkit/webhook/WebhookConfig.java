package io.capkit.webhook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import io.capkit.http.ConnectionLimits;

/**
 * Settings of the admission server, as {@code capkit webhook serve} takes them.
 *
 * @param certFile       PEM certificate chain (cert-manager's {@code tls.crt})
 * @param keyFile        PEM private key (cert-manager's {@code tls.key}), PKCS#8
 * @param port           HTTPS port; 0 picks a free one (tests)
 * @param bindAddress    address to listen on, e.g. {@code 0.0.0.0} in a pod, {@code 127.0.0.1} in tests
 * @param reloadInterval how often the certificate files are checked for changes
 * @param threads        event-loop threads: each owns many connections and handles their small requests itself (half
 *                       as many threads handle the large ones)
 * @param maxBodyBytes   largest request body read; larger ones get 413 without being read
 * @param limits         time limits per connection step (handshake, request, idle) and the connection limits
 * @param clientCa       PEM CA bundle the API server's client certificate must chain to; when set, admission requests
 *                       without such a certificate are refused (403); null: no client authentication
 */
public record WebhookConfig(Path certFile, Path keyFile, int port, String bindAddress, Duration reloadInterval,
                            int threads, int maxBodyBytes, ConnectionLimits limits, Path clientCa) {
  public static final int DEFAULT_PORT = 9443;
  /** The API server sends at most 3 MiB of object per request; nothing legitimate is larger. */
  public static final int DEFAULT_MAX_BODY = 3 * 1024 * 1024;

  public WebhookConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    Objects.requireNonNull(limits, "limits");
    if (threads < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("threads and maxBodyBytes must be positive");
    }
  }

  /** Without client authentication. */
  public WebhookConfig(Path certFile, Path keyFile, int port, String bindAddress, Duration reloadInterval,
                       int threads, int maxBodyBytes, ConnectionLimits limits) {
    this(certFile, keyFile, port, bindAddress, reloadInterval, threads, maxBodyBytes, limits, null);
  }

  /** With the default time limits. */
  public WebhookConfig(Path certFile, Path keyFile, int port, String bindAddress, Duration reloadInterval,
                       int threads, int maxBodyBytes) {
    this(certFile, keyFile, port, bindAddress, reloadInterval, threads, maxBodyBytes, ConnectionLimits.DEFAULT);
  }

  /**
   * The defaults for a pod: all addresses, port {@value #DEFAULT_PORT}, 10 s reload check, one event loop per CPU
   * the JVM sees (the pod's CPU limit): the handlers only compute, so more threads would only take turns.
   */
  public static WebhookConfig of(Path certFile, Path keyFile, int port) {
    return new WebhookConfig(certFile, keyFile, port, "0.0.0.0", Duration.ofSeconds(10),
        Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_BODY);
  }

  public WebhookConfig withBindAddress(String address) {
    return new WebhookConfig(certFile, keyFile, port, address, reloadInterval, threads, maxBodyBytes, limits, clientCa);
  }

  public WebhookConfig withThreads(int n) {
    return new WebhookConfig(certFile, keyFile, port, bindAddress, reloadInterval, n, maxBodyBytes, limits, clientCa);
  }

  public WebhookConfig withReloadInterval(Duration interval) {
    return new WebhookConfig(certFile, keyFile, port, bindAddress, interval, threads, maxBodyBytes, limits, clientCa);
  }

  public WebhookConfig withLimits(ConnectionLimits limits) {
    return new WebhookConfig(certFile, keyFile, port, bindAddress, reloadInterval, threads, maxBodyBytes, limits, clientCa);
  }

  /** Admission requests must come with a client certificate chaining to {@code caFile} (the API server's). */
  public WebhookConfig withClientCa(Path caFile) {
    return new WebhookConfig(certFile, keyFile, port, bindAddress, reloadInterval, threads, maxBodyBytes, limits, caFile);
  }
}
