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
 * Merge requests through the GitLab REST v4 API ({@code https://gitlab.example/api/v4}): list open merge requests
 * by source branch (from this project, never a fork), create one, update one. The project is {@code GROUP/NAME} (subgroups allowed), addressed by its
 * URL-encoded path; the token goes only into the {@code PRIVATE-TOKEN} header.
 */
public final class GitLabForge implements Forge {
  private final ForgeApi api;
  private final String project;

  public GitLabForge(HttpClient http, URI apiUrl, String repository, String token) {
    this(() -> http, apiUrl, repository, token);
  }

  /** {@code http} is asked for the client at the first request. */
  GitLabForge(Supplier<HttpClient> http, URI apiUrl, String repository, String token) {
    String[] parts = repository == null ? new String[0] : repository.split("/", -1);
    if (parts.length < 2 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
      throw new InvalidInputException(Problem.at("--repo", "\"" + repository + "\" is not GROUP/NAME"));
    }
    this.api = new ForgeApi(http, apiUrl, Map.of("Accept", "application/json", "PRIVATE-TOKEN", token), token,
        repository);
    this.project = "/projects/" + ForgeApi.encode(repository) + "/merge_requests";
  }

  @Override
  public Optional<PullRequest> findOpen(String branch) {
    JsonNode list = api.call("GET", project + "?state=opened&source_branch=" + ForgeApi.encode(branch), null, 200);
    if (!list.isArray()) {
      throw api.error("GET", project, "expected a list of merge requests");
    }
    // A merge request from a fork's branch of the same name is someone else's: its source project differs.
    for (JsonNode mr : list) {
      JsonNode source = mr.path("source_project_id");
      if (branch.equals(mr.path("source_branch").asText(null)) && source.canConvertToLong()
          && source.asLong() == mr.path("target_project_id").asLong(-1)) {
        return Optional.of(mergeRequest(mr));
      }
    }
    return Optional.empty();
  }

  @Override
  public PullRequest create(String title, String branch, String base, String body) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("source_branch", branch);
    req.put("target_branch", base);
    req.put("title", title);
    req.put("description", body);
    return mergeRequest(api.call("POST", project, req, 201));
  }

  @Override
  public PullRequest update(long number, String title, String body) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("title", title);
    req.put("description", body);
    return mergeRequest(api.call("PUT", project + "/" + number, req, 200));
  }

  @Override
  public String describe() {
    return api.describe();
  }

  // Merge requests are numbered per project by iid (the global id is not what users or the API paths use).
  private PullRequest mergeRequest(JsonNode mr) {
    if (!mr.path("iid").canConvertToLong() || mr.path("iid").asLong() <= 0) {
      throw api.error("", project, "the forge answered without a merge request iid");
    }
    return new PullRequest(mr.path("iid").asLong(), mr.path("web_url").asText(""),
        mr.path("source_branch").asText(""));
  }
}
