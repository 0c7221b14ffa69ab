package io.capkit.gitops.git;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a fleet repository lives: a local folder, or a remote URL (file://, http(s)://, ssh://, scp-like
 * {@code user@host:path}). Credentials in a URL never reach a message: {@link #masked()} hides them.
 */
public record GitLocation(String raw, boolean remote) {
  private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]+@");
  private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+");

  public static GitLocation parse(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    boolean remote = lower.startsWith("file://") || lower.startsWith("http://") || lower.startsWith("https://")
        || lower.startsWith("ssh://") || lower.startsWith("git://") || SCP_LIKE.matcher(text).matches();
    return new GitLocation(text, remote);
  }

  /** The location with any {@code user:password@} replaced by {@code ***@}. */
  public String masked() {
    return mask(raw);
  }

  /** Hides userinfo in every URL inside {@code text} (e.g. a JGit error message quoting the URL). */
  public static String mask(String text) {
    return text == null ? null : USERINFO.matcher(text).replaceAll("$1***@");
  }

  /** A short stable name for this location's cache folder; credentials do not change it. */
  public String cacheKey() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(masked().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
  }
}
