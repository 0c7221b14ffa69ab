package io.capkit.gitops.git;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a fleet repository lives: a local folder, or a remote URL (file://, http(s)://, ssh://, scp-like
 * {@code user@host:path}). Credentials in a URL never reach a message: {@link #masked()} hides them. URLs are read as
 * {@link URI} reads them (RFC 3986); one that does not parse to a host is refused, since no one can tell where its
 * password ends ({@code https://bot:s3cr3t/token@host/…}, {@code https://bot:p@ss@host/…}: percent-encode it).
 */
public record GitLocation(String raw, boolean remote) {
  private static final Pattern SCP_LIKE = Pattern.compile("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+");

  /** Reads {@code text}; throws {@link InvalidInputException} (with the URL masked) for a URL without a host. */
  public static GitLocation parse(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    boolean url = lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("ssh://")
        || lower.startsWith("git://");
    if (url) {
      URI uri = serverUri(text);
      if (uri == null) {
        throw new InvalidInputException(new Problem(mask(text), null, "is not a valid URL: percent-encode"
            + " '@', ':' and '/' in a user name or password (%40, %3A, %2F)"));
      }
      if (uri.getRawUserInfo() != null && "http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost())) {
        throw new InvalidInputException(new Problem(mask(text), null,
            "has credentials in a plain http:// URL, which would send them in clear: use https://"));
      }
    }
    boolean remote = url || lower.startsWith("file://") || SCP_LIKE.matcher(text).matches();
    return new GitLocation(text, remote);
  }

  /** The location with any {@code user:password@} replaced by {@code ***@}. */
  public String masked() {
    return mask(raw);
  }

  /**
   * Hides the user information of every URL inside {@code text} (e.g. a JGit error message quoting the URL): each
   * {@code scheme://…} up to the next blank or quote is parsed as a {@link URI}; one with a host keeps it, its port
   * and path, with {@code ***@} for any user information; one without (unparseable) is shown as {@code scheme://***}.
   */
  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    int sep;
    while ((sep = text.indexOf("://", from)) >= 0) {
      int start = sep;
      while (start > from && isSchemeChar(text.charAt(start - 1))) {
        start--;
      }
      while (start < sep && !isAsciiLetter(text.charAt(start))) {
        start++;
      }
      int end = sep + 3;
      while (end < text.length() && !endsUrl(text.charAt(end))) {
        end++;
      }
      out.append(text, from, start);
      out.append(start == sep ? text.substring(start, end) : maskUrl(text.substring(start, end)));
      from = end;
    }
    return out.append(text, from, text.length()).toString();
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isSchemeChar(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
  }

  private static boolean endsUrl(char c) {
    return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
  }

  private static String maskUrl(String url) {
    String scheme = url.substring(0, url.indexOf("://"));
    if (url.indexOf('@') < 0) {
      return url;
    }
    URI uri = serverUri(url);
    if (uri == null) {
      return scheme + "://***";
    }
    if (uri.getRawUserInfo() == null) {
      return url;
    }
    return scheme + "://***@" + url.substring(scheme.length() + 3 + uri.getRawUserInfo().length() + 1);
  }

  /** {@code text} as a URI with a host (server-based authority), or null. */
  static URI serverUri(String text) {
    try {
      URI uri = new URI(text);
      return uri.getHost() == null ? null : uri;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** Whether {@code host} names this machine (localhost or a loopback address literal), so nothing leaves it. */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Only literals: a name is never resolved here.
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
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
