package io.capkit.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.http.ConnectionLimits;
import io.capkit.http.HttpResponse;
import io.capkit.http.HttpServer;
import io.capkit.webhook.tls.ReloadingKeyManager;
import io.capkit.webhook.tls.TlsMaterial;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both TLS libraries the server may run on (BoringSSL where netty-tcnative loads, the JDK's otherwise) offer the
 * same: TLS 1.3 and 1.2 with AEAD suites only, and answer over real TLS on 127.0.0.1.
 */
class TlsProvidersIT {
  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void onlyStrongTlsWhicheverLibrary(SslProvider provider, @TempDir Path dir) throws Exception {
    // netty-tcnative-boringssl-static ships for linux x86_64 and aarch64, the platforms the build runs on.
    assertTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(),
        () -> "BoringSSL does not load: " + OpenSsl.unavailabilityCause());
    SelfSignedCertificate cert = SelfSignedCertificate.generate("tls-" + provider.name().toLowerCase(java.util.Locale.ROOT));
    cert.writeTo(dir);
    ReloadingKeyManager keys = new ReloadingKeyManager(TlsMaterial.load(dir.resolve("tls.crt"), dir.resolve("tls.key")));
    try (HttpServer server = HttpServer.start(WebhookServer.serverContext(keys, provider),
        new InetSocketAddress("127.0.0.1", 0), ConnectionLimits.DEFAULT, 1, 1024,
        r -> HttpResponse.text(200, "hello " + r.path(), "ok"))) {
      for (String[] weak : new String[][] {{"TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"},
          {"TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"}}) {
        try (SSLSocket s = socket(cert, server)) {
          s.setEnabledProtocols(new String[] {weak[0]});
          s.setEnabledCipherSuites(new String[] {weak[1]});
          assertThrows(SSLHandshakeException.class, s::startHandshake, provider + " " + weak[1]);
        }
      }
      for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
        try (SSLSocket s = socket(cert, server)) {
          s.setEnabledProtocols(new String[] {protocol});
          s.startHandshake();
          assertEquals(protocol, s.getSession().getProtocol());
          String suite = s.getSession().getCipherSuite();
          assertTrue(suite.contains("_GCM_") || suite.contains("CHACHA20"), suite);
          OutputStream out = s.getOutputStream();
          out.write("GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          InputStream in = s.getInputStream();
          String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n") && answer.endsWith("hello /x\n"), answer);
        }
      }
    }
  }

  private static SSLSocket socket(SelfSignedCertificate cert, HttpServer server) throws java.io.IOException {
    return (SSLSocket) cert.trustingContext().getSocketFactory().createSocket("127.0.0.1", server.port());
  }
}
