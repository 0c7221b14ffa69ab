package io.capkit.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * The one self-signed serving certificate generator of the code base (tests, the demo, the benchmark): valid for
 * 127.0.0.1 and localhost, its own CA (for an API server's caBundle), written as PEM files named like
 * cert-manager's ({@code tls.crt}, {@code tls.key}, {@code ca.crt}) in the key encoding asked for.
 */
public record SelfSignedCertificate(X509Certificate certificate, String certPem, String keyPem) {
  /** How the key file is encoded. */
  public enum KeyFormat {
    PKCS8_EC, PKCS8_RSA, PKCS1_RSA,
    /** SEC1 with the named curve inside, as OpenSSL and Go (cert-manager) write it. */
    SEC1_EC,
    /** SEC1 without the optional curve parameters. */
    SEC1_EC_NO_CURVE
  }

  /** An ECDSA P-256 certificate with a PKCS#8 key. */
  public static SelfSignedCertificate generate(String commonName) {
    return generate(commonName, KeyFormat.PKCS8_EC);
  }

  public static SelfSignedCertificate generate(String commonName, KeyFormat format) {
    try {
      boolean ec = format != KeyFormat.PKCS8_RSA && format != KeyFormat.PKCS1_RSA;
      // BouncyCastle keeps the named curve inside a SEC1 structure, the JDK's EC keys do not.
      KeyPairGenerator gen = format == KeyFormat.SEC1_EC
          ? KeyPairGenerator.getInstance("EC", new BouncyCastleProvider())
          : KeyPairGenerator.getInstance(ec ? "EC" : "RSA");
      if (ec) {
        gen.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        gen.initialize(2048);
      }
      KeyPair pair = gen.generateKeyPair();
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=" + commonName);
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime()),
          Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(2, ChronoUnit.DAYS)), name, pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(ec ? "SHA256withECDSA" : "SHA256withRSA").build(pair.getPrivate())));
      String key = switch (format) {
        case PKCS8_EC, PKCS8_RSA -> pem(new JcaPKCS8Generator(pair.getPrivate(), null));
        case PKCS1_RSA, SEC1_EC, SEC1_EC_NO_CURVE -> pem(new JcaMiscPEMGenerator(pair.getPrivate()));
      };
      return new SelfSignedCertificate(cert, pem(new JcaMiscPEMGenerator(cert)), key);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create a self-signed certificate: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Writes {@code tls.crt}, {@code ca.crt} and {@code tls.key} (owner-only) into {@code dir}, each atomically
   * (temp + rename) as a Secret volume update does, so a watcher never sees half a file.
   */
  public void writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      write(dir.resolve("tls.crt"), certPem);
      write(dir.resolve("ca.crt"), certPem);
      Path key = write(dir.resolve("tls.key"), keyPem);
      key.toFile().setReadable(false, false);
      key.toFile().setReadable(true, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client TLS context that trusts only this certificate. */
  public SSLContext trustingContext() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("self-signed", certificate);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context trusting " + certificate.getSubjectX500Principal(), e);
    }
  }

  private static Path write(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".tmp", null);
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    return Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String pem(PemObjectGenerator gen) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(gen);
    }
    return w.toString();
  }
}
