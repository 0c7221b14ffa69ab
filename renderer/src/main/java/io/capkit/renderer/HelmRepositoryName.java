package io.capkit.renderer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** The name of the HelmRepository for a chart repository URL: readable, and unique per URL through a hash. */
public final class HelmRepositoryName {
  private static final int READABLE_LENGTH = 40;

  private HelmRepositoryName() {}

  public static String of(String url) {
    String readable = url.replaceFirst("^[a-z]+://", "").toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+", "");
    if (readable.length() > READABLE_LENGTH) {
      readable = readable.substring(0, READABLE_LENGTH);
    }
    readable = readable.replaceAll("-+$", "");
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return (readable.isEmpty() ? "charts" : readable) + "-" + HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
