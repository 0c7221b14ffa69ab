package io.capkit.webhook.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the certificate and key files and swaps them into a {@link ReloadingKeyManager} when their content changes.
 * Content hashes, not mtimes, decide: cert-manager's Secret volume updates swap a symlink, keeping odd mtimes. A
 * pair that does not load (half-written, mismatched) is logged and skipped; the server keeps the old one.
 */
public final class CertificateReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

  private final Path certFile;
  private final Path keyFile;
  private final ReloadingKeyManager keyManager;
  private final ScheduledExecutorService timer;
  private byte[] lastDigest;
  private byte[] lastFailedDigest;

  public CertificateReloader(Path certFile, Path keyFile, ReloadingKeyManager keyManager, Duration interval) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.keyManager = keyManager;
    this.lastDigest = digest();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "capkit-webhook-cert-reloader");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(10, interval.toMillis());
    timer.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Loads the files now if they changed; returns true when a new pair was swapped in. Called by the timer. */
  public synchronized boolean check() {
    try {
      byte[] d = digest();
      if (d == null || Arrays.equals(d, lastDigest) || Arrays.equals(d, lastFailedDigest)) {
        return false;
      }
      TlsMaterial m = TlsMaterial.load(certFile, keyFile);
      keyManager.swap(m);
      lastDigest = d;
      lastFailedDigest = null;
      LOG.info("reloaded TLS certificate from {} (subject {}, valid until {})", certFile,
          m.chain()[0].getSubjectX500Principal().getName(), m.chain()[0].getNotAfter().toInstant());
      return true;
    } catch (InvalidTlsMaterialException e) {
      lastFailedDigest = digest();
      LOG.error("TLS certificate rotation failed, keeping the current certificate: {}", e.getMessage());
      return false;
    } catch (RuntimeException e) {
      LOG.error("TLS certificate rotation failed, keeping the current certificate: {}", e.getClass().getName());
      return false;
    }
  }

  private byte[] digest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Files.readAllBytes(certFile));
      md.update((byte) 0);
      md.update(Files.readAllBytes(keyFile));
      return md.digest();
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
