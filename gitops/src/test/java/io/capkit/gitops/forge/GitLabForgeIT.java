package io.capkit.gitops.forge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.capkit.api.InvalidInputException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GitLabForge over real HTTP against a GitLab v4 double on loopback that enforces the shapes used: PRIVATE-TOKEN,
 * the URL-encoded project path, the merge-request fields, and GitLab's 409 for a second open merge request.
 */
class GitLabForgeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "glpat-secret-123";
  private static final String PROJECT = "/api/v4/projects/platform%2Ffleet/merge_requests";

  private HttpServer server;
  private final List<ObjectNode> mergeRequests = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void findsCreatesAndUpdatesOneMergeRequestPerBranch() {
    Forge forge = ForgeKind.GITLAB.connect(api(), "platform/fleet", Map.of("GITLAB_TOKEN", TOKEN));
    assertEquals(Optional.empty(), forge.findOpen("capkit/promote-v1.2.0"));
    PullRequest created = forge.create("Promote v1.2.0", "capkit/promote-v1.2.0", "main", "3 clusters");
    assertEquals(new PullRequest(1, "https://gitlab.example/platform/fleet/-/merge_requests/1",
        "capkit/promote-v1.2.0"), created);
    assertEquals(Optional.of(created), forge.findOpen("capkit/promote-v1.2.0"));
    assertEquals(Optional.empty(), forge.findOpen("other"));
    forge.update(1, "Promote v1.2.0 (4 clusters)", "4 clusters");
    assertEquals("4 clusters", mergeRequests.get(0).path("description").asText());
    assertEquals("Promote v1.2.0 (4 clusters)", mergeRequests.get(0).path("title").asText());
    assertEquals(List.of("GET " + PROJECT + "?state=opened&source_branch=capkit%2Fpromote-v1.2.0",
        "POST " + PROJECT, "GET " + PROJECT + "?state=opened&source_branch=capkit%2Fpromote-v1.2.0",
        "GET " + PROJECT + "?state=opened&source_branch=other", "PUT " + PROJECT + "/1"), calls);
  }

  @Test
  void forgeErrorsNameTheRequestAndNeverTheToken() {
    Forge forge = ForgeKind.GITLAB.connect(api(), "platform/fleet", Map.of("CAPKIT_FORGE_TOKEN", TOKEN));
    forge.create("t", "b", "main", "body");
    InvalidInputException twice = assertThrows(InvalidInputException.class, () -> forge.create("t", "b", "main", "x"));
    assertEquals("platform/fleet at " + api() + ": POST " + PROJECT.substring("/api/v4".length())
        + ": HTTP 409: [\"Another open merge request already exists for this source branch: !1\"]",
        twice.problems().get(0).format());
    Forge wrong = ForgeKind.GITLAB.connect(api(), "platform/fleet", Map.of("GITLAB_TOKEN", "wrong-" + TOKEN));
    InvalidInputException denied = assertThrows(InvalidInputException.class, () -> wrong.findOpen("b"));
    assertTrue(denied.getMessage().contains("HTTP 401: 401 Unauthorized"), denied.getMessage());
    assertFalse(denied.getMessage().contains(TOKEN), denied.getMessage());
    InvalidInputException noToken = assertThrows(InvalidInputException.class,
        () -> ForgeKind.GITLAB.connect(api(), "platform/fleet", Map.of("GITHUB_TOKEN", TOKEN)));
    assertEquals("--forge-url: needs a token in CAPKIT_FORGE_TOKEN or GITLAB_TOKEN", noToken.problems().get(0).format());
    InvalidInputException badRepo = assertThrows(InvalidInputException.class,
        () -> new GitLabForge(HttpClient.newHttpClient(), api(), "fleet", TOKEN));
    assertEquals("--repo: \"fleet\" is not GROUP/NAME", badRepo.problems().get(0).format());
  }

  private URI api() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v4");
  }

  private synchronized void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getRawPath();
    String query = x.getRequestURI().getRawQuery();
    calls.add(x.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
    if (!TOKEN.equals(x.getRequestHeaders().getFirst("PRIVATE-TOKEN"))) {
      send(x, 401, JSON.createObjectNode().put("message", "401 Unauthorized"));
      return;
    }
    String method = x.getRequestMethod();
    if (path.equals(PROJECT) && method.equals("GET")) {
      Map<String, String> q = query(query);
      ArrayNode list = JSON.createArrayNode();
      mergeRequests.stream().filter(m -> m.path("state").asText().equals(q.get("state")))
          .filter(m -> m.path("source_branch").asText().equals(q.get("source_branch"))).forEach(list::add);
      send(x, 200, list);
    } else if (path.equals(PROJECT) && method.equals("POST")) {
      JsonNode body = JSON.readTree(x.getRequestBody());
      for (String field : List.of("source_branch", "target_branch", "title")) {
        if (!body.path(field).isTextual() || body.path(field).asText().isEmpty()) {
          send(x, 400, JSON.createObjectNode().put("error", field + " is missing"));
          return;
        }
      }
      Optional<ObjectNode> open = mergeRequests.stream()
          .filter(m -> m.path("source_branch").asText().equals(body.path("source_branch").asText())).findFirst();
      if (open.isPresent()) {
        ObjectNode error = JSON.createObjectNode();
        error.putArray("message").add("Another open merge request already exists for this source branch: !"
            + open.get().path("iid").asLong());
        send(x, 409, error);
        return;
      }
      int iid = mergeRequests.size() + 1;
      ObjectNode mr = ((ObjectNode) body.deepCopy()).put("iid", iid).put("id", 9000 + iid).put("state", "opened")
          .put("source_project_id", 42).put("target_project_id", 42)
          .put("web_url", "https://gitlab.example/platform/fleet/-/merge_requests/" + iid);
      mergeRequests.add(mr);
      send(x, 201, mr);
    } else if (path.startsWith(PROJECT + "/") && method.equals("PUT")) {
      int iid = Integer.parseInt(path.substring(PROJECT.length() + 1));
      ObjectNode mr = mergeRequests.get(iid - 1);
      JsonNode body = JSON.readTree(x.getRequestBody());
      body.fieldNames().forEachRemaining(f -> mr.set(f, body.get(f)));
      send(x, 200, mr);
    } else {
      send(x, 404, JSON.createObjectNode().put("message", "404 Not found"));
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    for (String pair : raw == null ? new String[0] : raw.split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(kv[0], kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return out;
  }

  private static void send(HttpExchange x, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }
}
