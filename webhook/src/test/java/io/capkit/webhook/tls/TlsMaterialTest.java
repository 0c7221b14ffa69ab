package io.capkit.webhook.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.SelfSignedCertificate.KeyFormat;
import io.capkit.testsupport.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsMaterialTest {

  @ParameterizedTest
  @EnumSource(value = KeyFormat.class, names = {"PKCS8_RSA", "PKCS8_EC"})
  void readsPkcs8KeysAsCertManagerWritesThemWithEncodingPkcs8(KeyFormat format, @TempDir Path dir) throws Exception {
    SelfSignedCertificate p = SelfSignedCertificate.generate("webhook", format);
    assertEquals("-----BEGIN PRIVATE KEY-----", p.keyPem().lines().findFirst().orElseThrow());
    p.writeTo(dir);
    TlsMaterial m = TlsMaterial.load(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    assertEquals(p.certificate(), m.chain()[0]);
    assertEquals(p.certificate().getPublicKey().getAlgorithm(), m.key().getAlgorithm());
  }

  @ParameterizedTest
  @EnumSource(value = KeyFormat.class, names = {"PKCS1_RSA", "SEC1_EC", "SEC1_EC_NO_CURVE"})
  void otherEncodingsAreRefusedWithTheSettingThatFixesThem(KeyFormat format) {
    SelfSignedCertificate p = SelfSignedCertificate.generate("webhook", format);
    InvalidTlsMaterialException e = assertThrows(InvalidTlsMaterialException.class, () -> TlsMaterial.parse(
        p.certPem().getBytes(StandardCharsets.US_ASCII), "tls.crt", p.keyPem().getBytes(StandardCharsets.US_ASCII),
        "tls.key"));
    assertTrue(e.getMessage().startsWith("tls.key: a " + (format == KeyFormat.PKCS1_RSA ? "RSA key in PKCS#1"
        : "EC key in SEC1") + " encoding; capkit reads PKCS#8 keys (BEGIN PRIVATE KEY): set privateKey.encoding: "
        + "PKCS8 on the cert-manager Certificate"), e.getMessage());
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedWithoutShowingIt() throws Exception {
    SelfSignedCertificate a = SelfSignedCertificate.generate("a", KeyFormat.PKCS8_RSA);
    SelfSignedCertificate b = SelfSignedCertificate.generate("b", KeyFormat.PKCS8_RSA);
    InvalidTlsMaterialException e = assertThrows(InvalidTlsMaterialException.class, () -> TlsMaterial.parse(
        a.certPem().getBytes(StandardCharsets.US_ASCII), "tls.crt", b.keyPem().getBytes(StandardCharsets.US_ASCII),
        "tls.key"));
    assertEquals("tls.key: the private key does not belong to the certificate in tls.crt", e.getMessage());
    String body = b.keyPem().lines().skip(1).findFirst().orElseThrow();
    assertFalse(e.getMessage().contains(body.substring(0, 16)));
  }

  @Test
  void mismatchedAlgorithmsAndMissingBlocksAreNamed() throws Exception {
    SelfSignedCertificate rsa = SelfSignedCertificate.generate("a", KeyFormat.PKCS8_RSA);
    SelfSignedCertificate ec = SelfSignedCertificate.generate("b", KeyFormat.PKCS8_EC);
    byte[] cert = rsa.certPem().getBytes(StandardCharsets.US_ASCII);
    assertEquals("tls.key: a EC key does not match the RSA certificate in tls.crt", assertThrows(
        InvalidTlsMaterialException.class, () -> TlsMaterial.parse(cert, "tls.crt",
            ec.keyPem().getBytes(StandardCharsets.US_ASCII), "tls.key")).getMessage());
    assertTrue(assertThrows(InvalidTlsMaterialException.class, () -> TlsMaterial.parse(cert, "tls.crt",
        "hello".getBytes(StandardCharsets.US_ASCII), "tls.key")).getMessage().startsWith("tls.key: no \"BEGIN PRIVATE KEY\""));
    assertEquals("tls.crt: no \"BEGIN CERTIFICATE\" block found", assertThrows(InvalidTlsMaterialException.class,
        () -> TlsMaterial.parse(new byte[0], "tls.crt", rsa.keyPem().getBytes(StandardCharsets.US_ASCII), "tls.key"))
        .getMessage());
    String damaged = rsa.keyPem().replaceFirst("\n[A-Za-z0-9+/]{20}", "\nAAAAAAAAAAAAAAAAAAAA");
    InvalidTlsMaterialException e = assertThrows(InvalidTlsMaterialException.class, () -> TlsMaterial.parse(cert,
        "tls.crt", damaged.getBytes(StandardCharsets.US_ASCII), "tls.key"));
    assertTrue(e.getMessage().startsWith("tls.key: "), e.getMessage());
  }

  @Test
  void missingFilesAreNamed(@TempDir Path dir) {
    InvalidTlsMaterialException e = assertThrows(InvalidTlsMaterialException.class,
        () -> TlsMaterial.load(dir.resolve("tls.crt"), dir.resolve("tls.key")));
    assertTrue(e.getMessage().startsWith(dir.resolve("tls.crt") + ": cannot read"), e.getMessage());
  }
}
