package io.capkit.testsupport.capi;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates signed by a workload cluster's CA (the {@code <cluster>-ca} Secret KCP generates), so a stand-in
 * API server is trusted by the kubeconfig CAPI writes and trusts the client certificate in it.
 */
final class ClusterCertificates {
  /** A PEM certificate and its PEM (PKCS#8) key. */
  record Issued(String certPem, String keyPem) {}

  private final X509Certificate ca;
  private final PrivateKey caKey;

  ClusterCertificates(String caCertPem, String caKeyPem) {
    try (PEMParser certs = new PEMParser(new StringReader(caCertPem));
         PEMParser keys = new PEMParser(new StringReader(caKeyPem))) {
      this.ca = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) certs.readObject());
      Object key = keys.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      this.caKey = key instanceof PEMKeyPair pair ? conv.getKeyPair(pair).getPrivate()
          : conv.getPrivateKey((PrivateKeyInfo) key);
    } catch (IOException | GeneralSecurityException | ClassCastException e) {
      throw new IllegalStateException("the cluster CA Secret does not hold a PEM certificate and key", e);
    }
  }

  /** A serving certificate for {@code ip}. */
  Issued serving(String ip) {
    return issue("kube-apiserver", List.of(), ip, KeyPurposeId.id_kp_serverAuth);
  }

  /** A client certificate (CN user, O groups). */
  Issued client(String user, List<String> groups) {
    return issue(user, groups, null, KeyPurposeId.id_kp_clientAuth);
  }

  private Issued issue(String cn, List<String> orgs, String ip, KeyPurposeId purpose) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      KeyPair pair = gen.generateKeyPair();
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
      orgs.forEach(o -> subject.addRDN(BCStyle.O, o));
      subject.addRDN(BCStyle.CN, cn);
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(1, ChronoUnit.HOURS)),
          Date.from(now.plus(2, ChronoUnit.DAYS)), subject.build(), pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (ip != null) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress())}));
      }
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey)));
      return new Issued(pem(new JcaMiscPEMGenerator(cert)), pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + cn, e);
    }
  }

  static String pem(Object gen) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject((org.bouncycastle.util.io.pem.PemObjectGenerator) gen);
    }
    return w.toString();
  }
}
