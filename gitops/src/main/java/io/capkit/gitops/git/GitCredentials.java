package io.capkit.gitops.git;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Credentials for HTTP(S) remotes, from the usual places in this order: a user name and password in the URL;
 * {@code GIT_USERNAME} (or the URL's user name) + {@code GIT_PASSWORD}, or a token in {@code CAPKIT_GIT_TOKEN}, for
 * the host named in {@code CAPKIT_GIT_HOST}; {@code GITHUB_TOKEN} for the host of {@code GITHUB_SERVER_URL} (default
 * github.com, as GitHub Actions sets it); {@code ~/.git-credentials} (same scheme, host and port). Nothing is ever
 * sent over plain http except to this machine (loopback), nothing from the environment to a host it was not
 * configured for, and the provider answers only for that scheme, host and port (a redirect elsewhere gets nothing).
 * SSH remotes use JGit's default SSH (keys and config in {@code ~/.ssh}). Nothing here is ever printed.
 */
public final class GitCredentials {
  private final Map<String, String> env;
  private final Path home;

  public GitCredentials(Map<String, String> env, Path home) {
    this.env = Map.copyOf(env);
    this.home = home;
  }

  /** A provider for {@code url}, or null when none of the sources has credentials for it. */
  public CredentialsProvider forUrl(String url) {
    URI target = target(url);
    return login(url).map(l -> (CredentialsProvider) new BoundToHost(target, l)).orElse(null);
  }

  /** Why a configured token was not offered to {@code url}, for the message of a failed fetch or push; else empty. */
  public Optional<String> withheld(String url) {
    URI target = target(url);
    if (target == null || login(url).isPresent()) {
      return Optional.empty();
    }
    boolean any = set("GIT_PASSWORD") || set("CAPKIT_GIT_TOKEN") || set("GITHUB_TOKEN");
    if (!any) {
      return Optional.empty();
    }
    if (!secure(target)) {
      return Optional.of("credentials are never sent over plain http:// (use https://)");
    }
    return Optional.of("GIT_PASSWORD and CAPKIT_GIT_TOKEN are sent only to the host in CAPKIT_GIT_HOST ("
        + env.getOrDefault("CAPKIT_GIT_HOST", "unset") + "), GITHUB_TOKEN only to the host of GITHUB_SERVER_URL ("
        + githubHost() + ")");
  }

  Optional<GitCredentialsFile.Login> login(String url) {
    URI target = target(url);
    if (target == null || !secure(target)) {
      return Optional.empty();
    }
    URIish parsed;
    try {
      parsed = new URIish(url);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (parsed.getUser() != null && parsed.getPass() != null) {
      return Optional.of(new GitCredentialsFile.Login(parsed.getUser(), parsed.getPass()));
    }
    String authority = authority(target);
    if (authority.equals(normalised(env.get("CAPKIT_GIT_HOST"), target.getScheme()))) {
      String password = env.get("GIT_PASSWORD");
      String name = parsed.getUser() != null ? parsed.getUser() : env.get("GIT_USERNAME");
      if (set("GIT_PASSWORD") && name != null && !name.isEmpty()) {
        return Optional.of(new GitCredentialsFile.Login(name, password));
      }
      if (set("CAPKIT_GIT_TOKEN")) {
        // GitHub, Gitea and GitLab accept a token as the password with any user name.
        return Optional.of(new GitCredentialsFile.Login("x-access-token", env.get("CAPKIT_GIT_TOKEN")));
      }
    }
    if (set("GITHUB_TOKEN") && authority.equals(normalised(githubServer(), target.getScheme()))) {
      return Optional.of(new GitCredentialsFile.Login("x-access-token", env.get("GITHUB_TOKEN")));
    }
    Path store = home == null ? null : home.resolve(".git-credentials");
    if (store != null && Files.isRegularFile(store)) {
      try {
        URI uri = new URI(target.getScheme(), null, target.getHost(), target.getPort(), target.getPath(), null, null);
        return GitCredentialsFile.lookup(Files.readAllLines(store, StandardCharsets.UTF_8), uri);
      } catch (IOException | URISyntaxException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private boolean set(String name) {
    String v = env.get(name);
    return v != null && !v.isEmpty();
  }

  private String githubServer() {
    return set("GITHUB_SERVER_URL") ? env.get("GITHUB_SERVER_URL") : "https://github.com";
  }

  private String githubHost() {
    URI u = GitLocation.serverUri(githubServer());
    return u == null ? "none" : authority(u);
  }

  /** An http(s) URL with a host, or null (then no credentials at all). */
  private static URI target(String url) {
    URI u = GitLocation.serverUri(url);
    if (u == null || u.getScheme() == null) {
      return null;
    }
    String scheme = u.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") || scheme.equals("http") ? u : null;
  }

  static boolean secure(URI u) {
    return u.getScheme().equalsIgnoreCase("https") || GitLocation.isLoopback(u.getHost());
  }

  /** {@code host:port} in lower case, the scheme's default port filled in. */
  static String authority(URI u) {
    int port = u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("http") ? 80 : 443;
    return u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }

  /** A configured {@code host[:port]} or URL as {@link #authority}, or null when unset or not a host. */
  private static String normalised(String configured, String scheme) {
    if (configured == null || configured.isBlank()) {
      return null;
    }
    URI u = GitLocation.serverUri(configured.contains("://") ? configured : scheme + "://" + configured.strip());
    return u == null ? null : authority(u);
  }

  /** Answers only for the scheme, host and port it was made for: JGit asks again after a redirect. */
  private static final class BoundToHost extends CredentialsProvider {
    private final URI target;
    private final UsernamePasswordCredentialsProvider login;

    BoundToHost(URI target, GitCredentialsFile.Login login) {
      this.target = target;
      this.login = new UsernamePasswordCredentialsProvider(login.user(), login.password());
    }

    private boolean same(URIish uri) {
      if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
        return false;
      }
      int port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("http") ? 80 : 443;
      return uri.getScheme().equalsIgnoreCase(target.getScheme())
          && (uri.getHost().toLowerCase(Locale.ROOT) + ":" + port).equals(authority(target));
    }

    @Override
    public boolean isInteractive() {
      return false;
    }

    @Override
    public boolean supports(CredentialItem... items) {
      return login.supports(items);
    }

    @Override
    public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
      return same(uri) && login.get(uri, items);
    }

    @Override
    public void reset(URIish uri) {
      login.reset(uri);
    }
  }
}
