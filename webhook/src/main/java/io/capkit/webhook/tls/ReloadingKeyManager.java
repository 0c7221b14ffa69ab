package io.capkit.webhook.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager whose certificate and key can be swapped while the server runs. Each swap gets a new alias
 * ({@code capkit-<generation>}), so a handshake that chose an alias before a swap still gets a matching chain and key.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final String PREFIX = "capkit-";
  private final AtomicLong generation = new AtomicLong();
  private final AtomicReference<String> current = new AtomicReference<>();
  // Current and previous generations only: enough for handshakes in flight during one swap.
  private final Map<String, TlsMaterial> byAlias = new ConcurrentHashMap<>();

  public ReloadingKeyManager(TlsMaterial initial) {
    swap(initial);
  }

  /** Makes {@code material} the one new handshakes use. */
  public synchronized void swap(TlsMaterial material) {
    String previous = current.get();
    String alias = PREFIX + generation.incrementAndGet();
    byAlias.put(alias, material);
    current.set(alias);
    byAlias.keySet().removeIf(a -> !a.equals(alias) && !a.equals(previous));
  }

  /** The certificate new handshakes present. */
  public X509Certificate certificate() {
    return byAlias.get(current.get()).chain()[0];
  }

  private String aliasFor(String keyType) {
    String alias = current.get();
    TlsMaterial m = byAlias.get(alias);
    if (m == null || keyType == null) {
      return null;
    }
    String alg = m.key().getAlgorithm();
    boolean fits = keyType.equals(alg) || ("RSASSA-PSS".equals(keyType) && "RSA".equals(alg))
        || (keyType.startsWith("EC") && "EC".equals(alg)) || ("EdDSA".equals(keyType) && alg.startsWith("Ed"));
    return fits ? alias : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String a = aliasFor(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    TlsMaterial m = alias == null ? null : byAlias.get(alias);
    return m == null ? null : m.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    TlsMaterial m = alias == null ? null : byAlias.get(alias);
    return m == null ? null : m.key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
