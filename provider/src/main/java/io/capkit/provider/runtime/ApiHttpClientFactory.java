package io.capkit.provider.runtime;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.TlsVersion;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * fabric8's JDK HTTP client with ChaCha20-Poly1305 offered before AES-GCM. The provider's JVM runs C1 only
 * (docs/provider.md), and C1 has no AES or GHASH intrinsics: AES-GCM runs as plain Java, several times slower than
 * ChaCha20-Poly1305 in plain Java, and decrypting the API server's answers and watch events was the largest single
 * item of the provider's CPU profile. A Go API server follows a client that lists ChaCha20 first. Both are TLS 1.3
 * cipher suites (with their TLS 1.2 ECDHE counterparts); nothing is offered that the JDK's default list does not
 * already hold, only the order changes, and the TLS versions stay the configuration's.
 */
public final class ApiHttpClientFactory extends JdkHttpClientFactory {
  private final String[] protocols;

  public ApiHttpClientFactory(Config config) {
    TlsVersion[] versions = config.getTlsVersions();
    this.protocols = versions == null || versions.length == 0 ? null
        : Arrays.stream(versions).map(TlsVersion::javaName).toArray(String[]::new);
  }

  @Override
  protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
    builder.sslParameters(new SSLParameters(chaChaFirst(defaultCipherSuites()), protocols));
  }

  /** The suites in their order, those with ChaCha20-Poly1305 moved to the front (keeping their own order). */
  static String[] chaChaFirst(String[] suites) {
    List<String> out = new ArrayList<>(suites.length);
    for (String s : suites) {
      if (s.contains("CHACHA20_POLY1305")) {
        out.add(s);
      }
    }
    for (String s : suites) {
      if (!s.contains("CHACHA20_POLY1305")) {
        out.add(s);
      }
    }
    return out.toArray(String[]::new);
  }

  private static String[] defaultCipherSuites() {
    try {
      return SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context in this Java runtime", e);
    }
  }
}
