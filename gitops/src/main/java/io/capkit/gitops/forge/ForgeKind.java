package io.capkit.gitops.forge;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.renderer.Background;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** The forges capkit opens pull requests (GitLab: merge requests) on. */
public enum ForgeKind {
  GITHUB, GITEA, GITLAB;

  public static ForgeKind parse(String text) {
    try {
      return valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(Problem.at("--forge", "\"" + text + "\" is not one of github, gitea, gitlab"));
    }
  }

  /** A client for {@code owner/name} at {@code apiUrl}, with the token from the environment. */
  public Forge connect(URI apiUrl, String repository, Map<String, String> env) {
    String fallback = this == GITLAB ? "GITLAB_TOKEN" : "GITHUB_TOKEN";
    String token = env.getOrDefault("CAPKIT_FORGE_TOKEN", env.get(fallback));
    if (token == null || token.isBlank()) {
      throw new InvalidInputException(Problem.at("--forge-url", "needs a token in CAPKIT_FORGE_TOKEN or "
          + fallback));
    }
    // The client is built on a thread of its own: its TLS set-up (the JDK's trust store, ~150 certificates parsed) is
    // CPU that promote's main thread need not wait for while it fetches, plans and renders; the first request waits.
    Background<HttpClient> http = Background.start("capkit-forge-client", () -> HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(20)).followRedirects(HttpClient.Redirect.NEVER).build());
    return this == GITLAB ? new GitLabForge(http::get, apiUrl, repository, token)
        : new GitHubForge(http::get, apiUrl, repository, token, this == GITEA);
  }
}
