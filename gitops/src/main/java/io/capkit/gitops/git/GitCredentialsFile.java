package io.capkit.gitops.git;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Looks up a user name and password for a URL in the lines of a {@code ~/.git-credentials} store file
 * ({@code https://user:password@host[/path]}, one per line), as git's credential-store helper matches them:
 * same scheme and host, and the stored path, if any, equal to the URL's.
 */
public final class GitCredentialsFile {
  private GitCredentialsFile() {}

  public record Login(String user, String password) {
    @Override
    public String toString() {
      return "Login[user=" + user + ", password=***]";
    }
  }

  public static Optional<Login> lookup(List<String> lines, URI url) {
    for (String line : lines) {
      String entry = line.strip();
      if (entry.isEmpty() || entry.startsWith("#")) {
        continue;
      }
      URI stored;
      try {
        stored = URI.create(entry);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (stored.getRawUserInfo() == null || stored.getScheme() == null || stored.getHost() == null) {
        continue;
      }
      boolean sameHost = stored.getScheme().equalsIgnoreCase(url.getScheme())
          && stored.getHost().equalsIgnoreCase(url.getHost()) && stored.getPort() == url.getPort();
      String path = stored.getPath() == null ? "" : stored.getPath();
      boolean pathMatches = path.isEmpty() || path.equals("/") || trim(path).equals(trim(url.getPath()));
      if (sameHost && pathMatches) {
        String info = stored.getRawUserInfo();
        int colon = info.indexOf(':');
        if (colon < 0) {
          continue;
        }
        return Optional.of(new Login(decode(info.substring(0, colon)), decode(info.substring(colon + 1))));
      }
    }
    return Optional.empty();
  }

  private static String trim(String path) {
    String p = path == null ? "" : path.toLowerCase(Locale.ROOT);
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.endsWith(".git") ? p.substring(0, p.length() - 4) : p;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
