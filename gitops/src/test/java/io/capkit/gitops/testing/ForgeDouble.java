package io.capkit.gitops.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub REST v3 pull-request API on 127.0.0.1 that enforces what GitHub does for the three calls capkit
 * makes: the bearer token, JSON bodies with the required fields, {@code owner:branch} heads, 422 for a second
 * open pull request on the same head, 404 for unknown repositories and pull requests.
 */
public final class ForgeDouble implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PULLS = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls(?:/(\\d+))?");

  private final HttpServer server;
  private final String owner;
  private final String repo;
  private final String token;
  private final Map<Long, ObjectNode> pulls = new LinkedHashMap<>();
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private volatile int failCreatesWith;

  public ForgeDouble(String owner, String repo, String token) throws IOException {
    this.owner = owner;
    this.repo = repo;
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api");
  }

  /** Every call as {@code METHOD path}. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  public synchronized List<ObjectNode> pulls() {
    return List.copyOf(pulls.values());
  }

  /** Makes the next creates answer with this HTTP status (0: behave). */
  public void failCreatesWith(int status) {
    failCreatesWith = status;
  }

  private synchronized void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      calls.add(ex.getRequestMethod() + " " + path);
      if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        send(ex, 401, message("Bad credentials"));
        return;
      }
      if (!path.startsWith("/api/")) {
        send(ex, 404, message("Not Found"));
        return;
      }
      Matcher m = PULLS.matcher(path.substring("/api".length()));
      if (!m.matches() || !m.group(1).equals(owner) || !m.group(2).equals(repo)) {
        send(ex, 404, message("Not Found"));
        return;
      }
      String method = ex.getRequestMethod();
      if (m.group(3) == null && method.equals("GET")) {
        list(ex);
      } else if (m.group(3) == null && method.equals("POST")) {
        create(ex);
      } else if (m.group(3) != null && method.equals("PATCH")) {
        update(ex, Long.parseLong(m.group(3)));
      } else {
        send(ex, 404, message("Not Found"));
      }
    }
  }

  private void list(HttpExchange ex) throws IOException {
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    ArrayNode out = JSON.createArrayNode();
    for (ObjectNode pr : pulls.values()) {
      boolean open = pr.path("state").asText().equals("open");
      boolean stateOk = !q.containsKey("state") || q.get("state").equals("all") || q.get("state").equals(
          pr.path("state").asText());
      String head = owner + ":" + pr.path("head").path("ref").asText();
      if (stateOk && (open || "all".equals(q.get("state"))) && (!q.containsKey("head") || q.get("head").equals(head))) {
        out.add(pr);
      }
    }
    send(ex, 200, out);
  }

  private void create(HttpExchange ex) throws IOException {
    JsonNode body = body(ex);
    if (body == null) {
      send(ex, 400, message("Problems parsing JSON"));
      return;
    }
    for (String field : List.of("title", "head", "base")) {
      if (!body.path(field).isTextual() || body.path(field).asText().isEmpty()) {
        send(ex, 422, validation("missing_field", field));
        return;
      }
    }
    if (failCreatesWith != 0) {
      send(ex, failCreatesWith, message("Server Error"));
      return;
    }
    String head = body.get("head").asText();
    String branch = head.startsWith(owner + ":") ? head.substring(owner.length() + 1) : head;
    for (ObjectNode pr : pulls.values()) {
      if (pr.path("state").asText().equals("open") && pr.path("head").path("ref").asText().equals(branch)) {
        send(ex, 422, validation("custom", "A pull request already exists for " + owner + ":" + branch + "."));
        return;
      }
    }
    long number = pulls.size() + 1;
    ObjectNode pr = JSON.createObjectNode();
    pr.put("number", number);
    pr.put("state", "open");
    pr.put("title", body.get("title").asText());
    pr.put("body", body.path("body").asText(""));
    pr.put("html_url", "https://forge.example/" + owner + "/" + repo + "/pull/" + number);
    pr.putObject("head").put("ref", branch).put("label", owner + ":" + branch).putObject("repo")
        .put("full_name", owner + "/" + repo);
    pr.putObject("base").put("ref", body.get("base").asText());
    pulls.put(number, pr);
    send(ex, 201, pr);
  }

  private void update(HttpExchange ex, long number) throws IOException {
    ObjectNode pr = pulls.get(number);
    JsonNode body = body(ex);
    if (pr == null) {
      send(ex, 404, message("Not Found"));
      return;
    }
    if (body == null || !body.isObject()) {
      send(ex, 400, message("Problems parsing JSON"));
      return;
    }
    for (String field : List.of("title", "body")) {
      if (body.has(field)) {
        pr.put(field, body.get(field).asText());
      }
    }
    send(ex, 200, pr);
  }

  private static JsonNode body(HttpExchange ex) throws IOException {
    if (!"application/json".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
      return null;
    }
    try {
      return JSON.readTree(ex.getRequestBody().readAllBytes());
    } catch (IOException e) {
      return null;
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return m;
  }

  private static ObjectNode message(String text) {
    return JSON.createObjectNode().put("message", text);
  }

  private static ObjectNode validation(String code, String text) {
    ObjectNode n = message("Validation Failed");
    n.putArray("errors").addObject().put("resource", "PullRequest").put("code", code).put("message", text);
    return n;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
