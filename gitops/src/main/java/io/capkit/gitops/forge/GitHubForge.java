package io.capkit.gitops.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.gitops.git.GitLocation;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pull requests through the GitHub REST v3 API (also served by Gitea under {@code /api/v1}): list open pull
 * requests by head, create one, update one. The token goes only into the Authorization header.
 */
public final class GitHubForge implements Forge {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final String api;
  private final String owner;
  private final String name;
  private final String token;
  private final boolean gitea;

  public GitHubForge(HttpClient http, URI apiUrl, String repository, String token, boolean gitea) {
    String[] parts = repository == null ? new String[0] : repository.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new InvalidInputException(Problem.at("--repo", "\"" + repository + "\" is not OWNER/NAME"));
    }
    String scheme = apiUrl.getScheme();
    if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || apiUrl.getRawUserInfo() != null) {
      throw new InvalidInputException(Problem.at("--forge-url", "must be an http(s) URL without credentials"));
    }
    this.http = http;
    String base = apiUrl.toString();
    this.api = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.owner = parts[0];
    this.name = parts[1];
    this.token = token;
    this.gitea = gitea;
  }

  @Override
  public Optional<PullRequest> findOpen(String branch) {
    String query = "?state=open&head=" + encode(owner + ":" + branch);
    JsonNode list = call("GET", pulls() + query, null, 200);
    if (!list.isArray()) {
      throw error("GET", pulls(), "expected a list of pull requests");
    }
    // Gitea ignores the head filter: match the head branch here as well.
    for (JsonNode pr : list) {
      if (branch.equals(pr.path("head").path("ref").asText(null))) {
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
    return pullRequest(call("POST", pulls(), req, 201));
  }

  @Override
  public PullRequest update(long number, String title, String body) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("title", title);
    req.put("body", body);
    return pullRequest(call("PATCH", pulls() + "/" + number, req, 200));
  }

  @Override
  public String describe() {
    return owner + "/" + name + " at " + GitLocation.mask(api);
  }

  private String pulls() {
    return "/repos/" + encode(owner) + "/" + encode(name) + "/pulls";
  }

  private JsonNode call(String method, String path, Object body, int expected) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(TIMEOUT)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .header("User-Agent", "capkit")
        .header("Authorization", "Bearer " + token);
    try {
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      }
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = r.body().length == 0 ? JSON.nullNode() : parse(r.body());
      if (r.statusCode() != expected) {
        String message = json.path("message").asText("");
        JsonNode errors = json.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
          message += " (" + errors.get(0).path("message").asText(errors.get(0).toString()) + ")";
        }
        throw error(method, path, "HTTP " + r.statusCode() + (message.isBlank() ? "" : ": " + message.strip()));
      }
      return json;
    } catch (IOException e) {
      throw error(method, path, "cannot reach the forge: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw error(method, path, "interrupted");
    }
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.nullNode();
    }
  }

  private PullRequest pullRequest(JsonNode pr) {
    if (!pr.path("number").canConvertToLong() || pr.path("number").asLong() <= 0) {
      throw error("", pulls(), "the forge answered without a pull request number");
    }
    return new PullRequest(pr.path("number").asLong(), pr.path("html_url").asText(""),
        pr.path("head").path("ref").asText(""));
  }

  private InvalidInputException error(String method, String path, String message) {
    String text = GitLocation.mask(message).replace(token, "***");
    return new InvalidInputException(new Problem(describe(), null,
        (method.isEmpty() ? "" : method + " ") + path + ": " + text));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
