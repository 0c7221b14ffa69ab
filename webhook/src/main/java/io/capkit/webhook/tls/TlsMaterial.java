package io.capkit.webhook.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
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
 * {@code tls.key}). Keys may be PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
 * ({@code EC PRIVATE KEY}); the plain JDK reads them after a small DER re-wrap, so no extra provider is needed.
 * Error messages never contain key material.
 */
public record TlsMaterial(X509Certificate[] chain, PrivateKey key) {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final byte[] OID_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] OID_EC = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

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
        case "PRIVATE KEY" -> key = pkcs8(b.der, keyName);
        case "RSA PRIVATE KEY" -> key = generate("RSA", wrap(OID_RSA, new byte[] {0x05, 0x00}, b.der), keyName);
        case "EC PRIVATE KEY" -> key = generate("EC", wrap(OID_EC, sec1Curve(b.der, keyName, chain.get(0), certName), b.der),
            keyName);
        case "ENCRYPTED PRIVATE KEY" -> throw new InvalidTlsMaterialException(keyName
            + ": encrypted private keys are not supported; store the key unencrypted in the Secret");
        default -> {
          continue;
        }
      }
      break;
    }
    if (key == null) {
      throw new InvalidTlsMaterialException(keyName + ": no \"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\" or "
          + "\"BEGIN EC PRIVATE KEY\" block found");
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

  private static PrivateKey generate(String alg, byte[] pkcs8, String keyName) {
    try {
      return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidTlsMaterialException(keyName + ": damaged " + alg + " private key");
    }
  }

  /** PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, SEQUENCE { algorithm OID, parameters }, OCTET STRING key }. */
  private static byte[] wrap(byte[] oid, byte[] params, byte[] key) {
    byte[] algId = tlv(0x30, concat(oid, params));
    return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algId, tlv(0x04, key)));
  }

  /**
   * The named-curve OID from a SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING, [0] OID, [1] BIT STRING }.
   * The curve is optional there; without it, the certificate's curve is the only one the key can be on.
   */
  private static byte[] sec1Curve(byte[] der, String keyName, X509Certificate cert, String certName) {
    try {
      int[] seq = header(der, 0, 0x30);
      int p = seq[0];
      int end = seq[0] + seq[1];
      while (p < end) {
        int tag = der[p] & 0xff;
        int[] h = header(der, p, tag);
        if (tag == 0xa0) {
          int[] oid = header(der, h[0], 0x06);
          byte[] out = new byte[oid[0] + oid[1] - h[0]];
          System.arraycopy(der, h[0], out, 0, out.length);
          return out;
        }
        p = h[0] + h[1];
      }
    } catch (RuntimeException e) {
      throw new InvalidTlsMaterialException(keyName + ": damaged EC private key");
    }
    if (cert.getPublicKey() instanceof java.security.interfaces.ECPublicKey pub) {
      try {
        java.security.AlgorithmParameters params = java.security.AlgorithmParameters.getInstance("EC");
        params.init(pub.getParams());
        return params.getEncoded();
      } catch (GeneralSecurityException | IOException e) {
        throw new InvalidTlsMaterialException(keyName + ": EC private key on an unknown curve");
      }
    }
    throw new InvalidTlsMaterialException(keyName + ": a EC key does not match the "
        + cert.getPublicKey().getAlgorithm() + " certificate in " + certName);
  }

  /** Returns {content offset, content length} of the DER element at {@code p}, which must carry {@code tag}. */
  private static int[] header(byte[] der, int p, int tag) {
    if ((der[p] & 0xff) != tag) {
      throw new IllegalArgumentException("unexpected DER tag");
    }
    int len = der[p + 1] & 0xff;
    int off = p + 2;
    if (len > 0x80) {
      int n = len & 0x7f;
      if (n > 3) {
        throw new IllegalArgumentException("DER length too long");
      }
      len = new BigInteger(1, java.util.Arrays.copyOfRange(der, off, off + n)).intValue();
      off += n;
    }
    if (off + len > der.length) {
      throw new IllegalArgumentException("DER element past the end");
    }
    return new int[] {off, len};
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
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
