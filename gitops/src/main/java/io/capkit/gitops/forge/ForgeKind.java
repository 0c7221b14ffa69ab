package io.capkit.gitops.forge;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** The forges capkit can open pull requests on. GitLab's merge-request API differs and is not supported. */
public enum ForgeKind {
  GITHUB, GITEA, GITLAB;

  public static ForgeKind parse(String text) {
    try {
      return valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(Problem.at("--forge", "\"" + text + "\" is not one of github, gitea"));
    }
  }

  /** A client for {@code owner/name} at {@code apiUrl}, with the token from the environment. */
  public Forge connect(URI apiUrl, String repository, Map<String, String> env) {
    if (this == GITLAB) {
      throw new InvalidInputException(Problem.at("--forge", "gitlab is not supported: its merge-request API is "
          + "not GitHub-compatible; push the branch with capkit and open the merge request by hand"));
    }
    String token = env.getOrDefault("CAPKIT_FORGE_TOKEN", env.get("GITHUB_TOKEN"));
    if (token == null || token.isBlank()) {
      throw new InvalidInputException(Problem.at("--forge-url", "needs a token in CAPKIT_FORGE_TOKEN or "
          + "GITHUB_TOKEN"));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    return new GitHubForge(http, apiUrl, repository, token, this == GITEA);
  }
}
