package io.capkit.gitops.forge;

import com.fasterxml.jackson.databind.JsonNode;
import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Pull requests through the GitHub REST v3 API (also served by Gitea under {@code /api/v1}): list open pull
 * requests by head (branch and repository: never a fork's), create one, update one. The token goes only into the
 * Authorization header.
 */
public final class GitHubForge implements Forge {
  private final ForgeApi api;
  private final String owner;
  private final String name;
  private final boolean gitea;

  public GitHubForge(HttpClient http, URI apiUrl, String repository, String token, boolean gitea) {
    this(() -> http, apiUrl, repository, token, gitea);
  }

  /** {@code http} is asked for the client at the first request. */
  GitHubForge(Supplier<HttpClient> http, URI apiUrl, String repository, String token, boolean gitea) {
    String[] parts = repository == null ? new String[0] : repository.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new InvalidInputException(Problem.at("--repo", "\"" + repository + "\" is not OWNER/NAME"));
    }
    this.api = new ForgeApi(http, apiUrl, Map.of("Accept", "application/vnd.github+json",
        "X-GitHub-Api-Version", "2022-11-28", "Authorization", "Bearer " + token), token, repository);
    this.owner = parts[0];
    this.name = parts[1];
    this.gitea = gitea;
  }

  @Override
  public Optional<PullRequest> findOpen(String branch) {
    String query = "?state=open&head=" + ForgeApi.encode(owner + ":" + branch);
    JsonNode list = api.call("GET", pulls() + query, null, 200);
    if (!list.isArray()) {
      throw api.error("GET", pulls(), "expected a list of pull requests");
    }
    // Gitea ignores the head filter: match the head branch here as well, and the head repository: a fork's pull
    // request from a branch of the same name is someone else's, never to be updated with this one's title and body.
    for (JsonNode pr : list) {
      JsonNode head = pr.path("head");
      if (branch.equals(head.path("ref").asText(null))
          && (owner + "/" + name).equalsIgnoreCase(head.path("repo").path("full_name").asText(""))) {
        return Optional.of(pullRequest(pr));
      }
    }
    return Optional.empty();
  }

  @Override
  public PullRequest create(String title, String branch, String base, String body) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("title", title);
    req.put("head", gitea ? branch : owner + ":" + branch);
    req.put("base", base);
    req.put("body", body);
    return pullRequest(api.call("POST", pulls(), req, 201));
  }

  @Override
  public PullRequest update(long number, String title, String body) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("title", title);
    req.put("body", body);
    return pullRequest(api.call("PATCH", pulls() + "/" + number, req, 200));
  }

  @Override
  public String describe() {
    return api.describe();
  }

  private String pulls() {
    return "/repos/" + ForgeApi.encode(owner) + "/" + ForgeApi.encode(name) + "/pulls";
  }

  private PullRequest pullRequest(JsonNode pr) {
    if (!pr.path("number").canConvertToLong() || pr.path("number").asLong() <= 0) {
      throw api.error("", pulls(), "the forge answered without a pull request number");
    }
    return new PullRequest(pr.path("number").asLong(), pr.path("html_url").asText(""),
        pr.path("head").path("ref").asText(""));
  }
}
