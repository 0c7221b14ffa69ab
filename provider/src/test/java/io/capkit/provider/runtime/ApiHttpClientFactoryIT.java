package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The provider's API client: ChaCha20-Poly1305 offered first, and a real kube-apiserver picks it. */
@ExtendWith(KubeApiServerExtension.class)
class ApiHttpClientFactoryIT {
  @Test
  void chaChaSuitesMoveToTheFrontInTheirOrderAndNothingIsAddedOrLost() {
    String[] in = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};
    assertArrayEquals(new String[] {"TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}, ApiHttpClientFactory.chaChaFirst(in));
  }

  @Test
  void theApiServerNegotiatesChaCha20WithTheProvidersSettings(KubernetesClient client) throws Exception {
    // Only the handshake matters here: a client without credentials, trusting the test server's certificate.
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustAll());
    new ApiHttpClientFactory(client.getConfiguration()).additionalConfig(b);
    HttpResponse<Void> r = b.build().send(HttpRequest.newBuilder(URI.create(client.getMasterUrl() + "version"))
        .build(), HttpResponse.BodyHandlers.discarding());
    assertEquals("TLS_CHACHA20_POLY1305_SHA256", r.sslSession().orElseThrow().getCipherSuite());
    assertEquals("TLSv1.3", r.sslSession().orElseThrow().getProtocol());
  }

  @Test
  void theProvidersClientWorksAgainstTheApiServer(KubernetesClient client) {
    try (KubernetesClient provider = KvmProvider.asProvider(client,
        new ApiRequests(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))) {
      String ns = "tls-order";
      provider.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      assertTrue(client.namespaces().withName(ns).get() != null);
    }
  }

  private static SSLContext trustAll() throws Exception {
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return c;
  }
}
