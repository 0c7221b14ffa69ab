package io.capkit.bench.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway CA and a server certificate for 127.0.0.1 (ECDSA P-256, two days), made with the JDK's keytool and
 * written as cert-manager would: {@code tls.crt} (server then CA), {@code tls.key} (PKCS#8), {@code ca.crt}.
 */
public final class BenchCertificates {
  private static final String PASS = "bench-only";
  private final Path dir;

  private BenchCertificates(Path dir) {
    this.dir = dir;
  }

  public static BenchCertificates create(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    // A fresh CA every run: keytool refuses to overwrite an alias.
    for (String f : List.of("ca.p12", "server.p12", "server.csr", "server.crt", "ca.crt", "tls.crt", "tls.key")) {
      Files.deleteIfExists(dir.resolve(f));
    }
    keytool(dir, "-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=capkit-bench-ca", "-ext", "bc:c", "-validity", "2");
    keytool(dir, "-genkeypair", "-keystore", "server.p12", "-alias", "server", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=127.0.0.1", "-validity", "2");
    keytool(dir, "-certreq", "-keystore", "server.p12", "-alias", "server", "-file", "server.csr");
    keytool(dir, "-gencert", "-keystore", "ca.p12", "-alias", "ca", "-infile", "server.csr", "-outfile",
        "server.crt", "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1", "-ext", "eku=serverAuth",
        "-ext", "ku:c=digitalSignature");
    keytool(dir, "-exportcert", "-keystore", "ca.p12", "-alias", "ca", "-rfc", "-file", "ca.crt");
    try {
      KeyStore server = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
        server.load(in, PASS.toCharArray());
      }
      Key key = server.getKey("server", PASS.toCharArray());
      write(dir.resolve("tls.key"), pem("PRIVATE KEY", key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key keytool made", e);
    }
    write(dir.resolve("tls.crt"), Files.readString(dir.resolve("server.crt")) + Files.readString(dir.resolve("ca.crt")));
    return new BenchCertificates(dir);
  }

  public Path certFile() {
    return dir.resolve("tls.crt");
  }

  public Path keyFile() {
    return dir.resolve("tls.key");
  }

  public Path directory() {
    return dir;
  }

  /** A TLS context for clients that trusts only the throwaway CA. */
  public SSLContext clientContext() throws IOException {
    try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLSv1.3");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build a TLS context trusting " + dir.resolve("ca.crt"), e);
    }
  }

  /** The chain in tls.crt, server certificate first. */
  public List<X509Certificate> chain() throws IOException {
    try (InputStream in = Files.newInputStream(certFile())) {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        chain.add((X509Certificate) c);
      }
      return chain;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read " + certFile(), e);
    }
  }

  private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-noprompt"));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + output.strip());
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
