package io.capkit.webhook;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates for 127.0.0.1, written as cert-manager writes them, for tests. */
public final class TestCertificates {
  /** How the key file is encoded. */
  public enum KeyFormat {
    PKCS8_RSA, PKCS1_RSA,
    /** SEC1 with the named curve inside, as OpenSSL and Go (cert-manager) write it. */
    SEC1_EC,
    /** SEC1 without the optional curve parameters. */
    SEC1_EC_NO_CURVE,
    PKCS8_EC
  }

  public record Pair(X509Certificate certificate, String certPem, String keyPem) {
    /** Writes tls.crt and tls.key into {@code dir} atomically (temp + rename), as a Secret volume update does. */
    public void writeTo(Path dir) throws IOException {
      write(dir.resolve("tls.crt"), certPem);
      write(dir.resolve("tls.key"), keyPem);
    }

    /** A client SSL context that trusts only this certificate. */
    public SSLContext trustingContext() throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("webhook", certificate);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    }
  }

  private TestCertificates() {}

  public static Pair generate(String commonName, KeyFormat format) throws Exception {
    KeyPair kp;
    String sigAlg;
    if (format == KeyFormat.SEC1_EC || format == KeyFormat.SEC1_EC_NO_CURVE || format == KeyFormat.PKCS8_EC) {
      // BouncyCastle keeps the curve inside the SEC1 structure, the JDK does not.
      KeyPairGenerator g = format == KeyFormat.SEC1_EC
          ? KeyPairGenerator.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider())
          : KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      kp = g.generateKeyPair();
      sigAlg = "SHA256withECDSA";
    } else {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      kp = g.generateKeyPair();
      sigAlg = "SHA256withRSA";
    }
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=" + commonName);
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder(sigAlg).build(kp.getPrivate())));
    String key = switch (format) {
      case PKCS8_RSA, PKCS8_EC -> pem(new JcaPKCS8Generator(kp.getPrivate(), null));
      case PKCS1_RSA, SEC1_EC, SEC1_EC_NO_CURVE -> pem(new JcaMiscPEMGenerator(kp.getPrivate()));
    };
    return new Pair(cert, pem(new JcaMiscPEMGenerator(cert)), key);
  }

  private static String pem(org.bouncycastle.util.io.pem.PemObjectGenerator gen) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(gen);
    }
    return w.toString();
  }

  static void write(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".tmp", null);
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
