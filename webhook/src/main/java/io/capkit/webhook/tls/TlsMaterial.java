package io.capkit.webhook.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key, read from PEM files as cert-manager writes them ({@code tls.crt},
 * {@code tls.key}). Keys are PKCS#8 ({@code BEGIN PRIVATE KEY}), which the JDK reads itself: the Certificate asks
 * cert-manager for {@code privateKey.encoding: PKCS8}. PKCS#1 and SEC1 keys are refused with that advice rather than
 * re-wrapped by hand-written DER code. Error messages never contain key material.
 */
public record TlsMaterial(X509Certificate[] chain, PrivateKey key) {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** Reads and checks both files; throws {@link InvalidTlsMaterialException} naming the file and the problem. */
  public static TlsMaterial load(Path certFile, Path keyFile) {
    return parse(read(certFile), certFile.toString(), read(keyFile), keyFile.toString());
  }

  /** Parses PEM text; {@code certName}/{@code keyName} only name the sources in messages. */
  public static TlsMaterial parse(byte[] certPem, String certName, byte[] keyPem, String keyName) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(certPem)) {
        if (b.type.equals("CERTIFICATE")) {
          for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(b.der))) {
            chain.add((X509Certificate) c);
          }
        }
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidTlsMaterialException(certName + ": not a valid PEM certificate (" + e.getClass().getSimpleName() + ")");
    }
    if (chain.isEmpty()) {
      throw new InvalidTlsMaterialException(certName + ": no \"BEGIN CERTIFICATE\" block found");
    }
    PrivateKey key = null;
    List<Block> keyBlocks;
    try {
      keyBlocks = blocks(keyPem);
    } catch (IllegalArgumentException e) {
      throw new InvalidTlsMaterialException(keyName + ": not valid PEM (bad base64)");
    }
    for (Block b : keyBlocks) {
      switch (b.type) {
        case "PRIVATE KEY" -> {
          key = pkcs8(b.der, keyName);
        }
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new InvalidTlsMaterialException(keyName + ": a "
            + b.type.replace(" PRIVATE KEY", "") + " key in " + (b.type.startsWith("RSA") ? "PKCS#1" : "SEC1")
            + " encoding; capkit reads PKCS#8 keys (BEGIN PRIVATE KEY): set privateKey.encoding: PKCS8 on the "
            + "cert-manager Certificate, or convert the key with openssl pkcs8 -topk8 -nocrypt");
        case "ENCRYPTED PRIVATE KEY" -> throw new InvalidTlsMaterialException(keyName
            + ": encrypted private keys are not supported; store the key unencrypted in the Secret");
        default -> {
          continue;
        }
      }
      break;
    }
    if (key == null) {
      throw new InvalidTlsMaterialException(keyName + ": no \"BEGIN PRIVATE KEY\" block found (a PKCS#8 key)");
    }
    checkPair(chain.get(0), key, certName, keyName);
    return new TlsMaterial(chain.toArray(new X509Certificate[0]), key);
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidTlsMaterialException(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(byte[] pem) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
    }
    return out;
  }

  private static PrivateKey pkcs8(byte[] der, String keyName) {
    for (String alg : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException ignored) {
        // try the next algorithm: PKCS#8 names it inside, but the JDK wants it up front
      }
    }
    throw new InvalidTlsMaterialException(keyName + ": PKCS#8 key of an unsupported algorithm or damaged");
  }

  /** Signs and verifies a probe so that a key that does not belong to the certificate is caught at load. */
  private static void checkPair(X509Certificate cert, PrivateKey key, String certName, String keyName) {
    PublicKey pub = cert.getPublicKey();
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (alg == null || !pub.getAlgorithm().equals(key.getAlgorithm())) {
      throw new InvalidTlsMaterialException(keyName + ": a " + key.getAlgorithm() + " key does not match the "
          + pub.getAlgorithm() + " certificate in " + certName);
    }
    try {
      byte[] probe = "capkit-key-check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      if (!v.verify(sig)) {
        throw new InvalidTlsMaterialException(keyName + ": the private key does not belong to the certificate in "
            + certName);
      }
    } catch (GeneralSecurityException e) {
      throw new InvalidTlsMaterialException(keyName + ": the private key does not belong to the certificate in "
          + certName + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
