package io.capkit.gitops.forge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 12 (forges): a pull request opened from a fork, on a branch named like capkit's promotion branch,
 * must not be found as capkit's own (a re-run would rewrite its title and body, and reviewers would merge the fork's
 * content under capkit's description). Real HTTP on loopback; the forge answers with the lists GitHub, Gitea and GitLab
 * return, fork first.
 */
class HostileTenantForgeIT {
  private static final String BRANCH = "capkit/promote-v1.1.0-org-acme";
  private static final String TOKEN = "forge-secret";

  private HttpServer server;
  private final List<String> calls = new CopyOnWriteArrayList<>();

  private URI serve(String path, String json) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      calls.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath());
      byte[] body = ex.getRequestURI().getRawPath().equals(path) ? json.getBytes(StandardCharsets.UTF_8)
          : "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(ex.getRequestURI().getRawPath().equals(path) ? 200 : 404, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static String pull(long number, String headRepo) {
    return "{\"number\":" + number + ",\"state\":\"open\",\"html_url\":\"https://forge.example/pull/" + number
        + "\",\"head\":{\"ref\":\"" + BRANCH + "\",\"label\":\"x:" + BRANCH + "\",\"repo\":"
        + (headRepo == null ? "null" : "{\"full_name\":\"" + headRepo + "\"}") + "}}";
  }

  private static String mergeRequest(long iid, long sourceProject) {
    return "{\"iid\":" + iid + ",\"state\":\"opened\",\"source_branch\":\"" + BRANCH + "\",\"source_project_id\":"
        + sourceProject + ",\"target_project_id\":42,\"web_url\":\"https://gitlab.example/mr/" + iid + "\"}";
  }

  private Optional<Long> findOnGitHub(boolean gitea, String... pulls) throws IOException {
    URI api = serve("/api/repos/acme/fleet/pulls", "[" + String.join(",", pulls) + "]");
    Forge forge = (gitea ? ForgeKind.GITEA : ForgeKind.GITHUB).connect(api, "acme/fleet",
        Map.of("CAPKIT_FORGE_TOKEN", TOKEN));
    return forge.findOpen(BRANCH).map(PullRequest::number);
  }

  @Test
  void aForksPullRequestOnGitHubIsNotTakenForCapkits() throws IOException {
    assertEquals(Optional.empty(), findOnGitHub(false, pull(7, "mallory/fleet")));
    stop();
    assertEquals(Optional.of(8L), findOnGitHub(false, pull(7, "mallory/fleet"), pull(8, "Acme/Fleet")));
    stop();
    assertEquals(Optional.empty(), findOnGitHub(false, pull(9, null)), "a deleted fork's pull request has no repo");
  }

  @Test
  void aForksPullRequestOnGiteaIsNotTakenForCapkits() throws IOException {
    // Gitea ignores the head filter and lists every open pull request.
    assertEquals(Optional.empty(), findOnGitHub(true, pull(3, "mallory/fleet")));
    stop();
    assertEquals(Optional.of(4L), findOnGitHub(true, pull(3, "mallory/fleet"), pull(4, "acme/fleet")));
  }

  @Test
  void theForgeTokenIsNeverSentInClear() {
    io.capkit.api.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.capkit.api.InvalidInputException.class, () -> ForgeKind.GITHUB.connect(
            URI.create("http://api.forge.example"), "acme/fleet", Map.of("GITHUB_TOKEN", TOKEN)));
    assertEquals("--forge-url: must be https: the token would be sent in clear over http://api.forge.example",
        e.getMessage());
  }

  @Test
  void aForksMergeRequestOnGitLabIsNotTakenForCapkits() throws IOException {
    String path = "/api/projects/platform%2Ffleet/merge_requests";
    URI api = serve(path, "[" + mergeRequest(5, 666) + "]");
    Forge forge = ForgeKind.GITLAB.connect(api, "platform/fleet", Map.of("GITLAB_TOKEN", TOKEN));
    assertEquals(Optional.empty(), forge.findOpen(BRANCH).map(PullRequest::number));
    stop();
    api = serve(path, "[" + mergeRequest(5, 666) + "," + mergeRequest(6, 42) + "]");
    forge = ForgeKind.GITLAB.connect(api, "platform/fleet", Map.of("GITLAB_TOKEN", TOKEN));
    assertEquals(Optional.of(6L), forge.findOpen(BRANCH).map(PullRequest::number));
    assertEquals(List.of("GET " + path, "GET " + path), calls, "only looked, nothing written");
  }
}
