package io.capkit.gitops.git;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Credentials for HTTP(S) remotes, from the usual places in this order: a user name in the URL with
 * {@code GIT_PASSWORD}; {@code GIT_USERNAME} + {@code GIT_PASSWORD}; a token in {@code CAPKIT_GIT_TOKEN} or
 * {@code GITHUB_TOKEN}; {@code ~/.git-credentials}. SSH remotes use JGit's default SSH (keys and config in
 * {@code ~/.ssh}). Nothing here is ever printed.
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
    Optional<GitCredentialsFile.Login> login = login(url);
    return login.map(l -> (CredentialsProvider) new UsernamePasswordCredentialsProvider(l.user(), l.password()))
        .orElse(null);
  }

  Optional<GitCredentialsFile.Login> login(String url) {
    String user = env.get("GIT_USERNAME");
    String password = env.get("GIT_PASSWORD");
    URIish parsed;
    try {
      parsed = new URIish(url);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String scheme = parsed.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return Optional.empty();
    }
    if (parsed.getUser() != null && parsed.getPass() != null) {
      return Optional.of(new GitCredentialsFile.Login(parsed.getUser(), parsed.getPass()));
    }
    if (password != null && !password.isEmpty()) {
      String name = parsed.getUser() != null ? parsed.getUser() : user;
      if (name != null && !name.isEmpty()) {
        return Optional.of(new GitCredentialsFile.Login(name, password));
      }
    }
    for (String tokenVariable : List.of("CAPKIT_GIT_TOKEN", "GITHUB_TOKEN")) {
      String token = env.get(tokenVariable);
      if (token != null && !token.isEmpty()) {
        // GitHub and Gitea accept any user name with a token as the password.
        return Optional.of(new GitCredentialsFile.Login("x-access-token", token));
      }
    }
    Path store = home == null ? null : home.resolve(".git-credentials");
    if (store != null && Files.isRegularFile(store)) {
      try {
        URI uri = new URI(scheme, null, parsed.getHost(), parsed.getPort(), parsed.getPath(), null, null);
        return GitCredentialsFile.lookup(Files.readAllLines(store, StandardCharsets.UTF_8), uri);
      } catch (IOException | URISyntaxException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
