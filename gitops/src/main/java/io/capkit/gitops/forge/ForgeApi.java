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
import java.util.Map;
import java.util.function.Supplier;

/**
 * JSON over a forge's REST API, shared by the forge clients: fixed headers (the token among them), the expected
 * status checked, the forge's own error message passed on, and the token never in a message.
 */
final class ForgeApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Supplier<HttpClient> http;
  private final String api;
  private final Map<String, String> headers;
  private final String token;
  private final String describe;

  /**
   * {@code apiUrl} must be https without credentials (plain http only to this machine, for tests); {@code headers}
   * carry the token. {@code http} is asked for the client at each request (it may still be being built).
   */
  ForgeApi(Supplier<HttpClient> http, URI apiUrl, Map<String, String> headers, String token, String repository) {
    String scheme = apiUrl.getScheme();
    if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || apiUrl.getRawUserInfo() != null
        || apiUrl.getHost() == null) {
      throw new InvalidInputException(Problem.at("--forge-url", "must be an https URL without credentials"));
    }
    if (scheme.equals("http") && !GitLocation.isLoopback(apiUrl.getHost())) {
      throw new InvalidInputException(Problem.at("--forge-url", "must be https: the token would be sent in clear"
          + " over " + GitLocation.mask(apiUrl.toString())));
    }
    String base = apiUrl.toString();
    this.http = http;
    this.api = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.headers = headers;
    this.token = token;
    this.describe = repository + " at " + GitLocation.mask(api);
  }

  /** {@code OWNER/NAME at URL}, for messages. */
  String describe() {
    return describe;
  }

  /** Sends {@code body} (null: none) as JSON and returns the answer, or a problem unless the status is {@code expected}. */
  JsonNode call(String method, String path, Object body, int expected) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(TIMEOUT)
        .header("User-Agent", "capkit");
    headers.forEach(b::header);
    try {
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      }
      HttpResponse<byte[]> r = http.get().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = r.body().length == 0 ? JSON.nullNode() : parse(r.body());
      if (r.statusCode() != expected) {
        String message = message(json);
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

  /** A problem naming the repository and the request; the token is masked. */
  InvalidInputException error(String method, String path, String message) {
    String text = GitLocation.mask(message).replace(token, "***");
    return new InvalidInputException(new Problem(describe, null,
        (method.isEmpty() ? "" : method + " ") + path + ": " + text));
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // GitHub and Gitea: "message" plus "errors"; GitLab: "message" (text, list or map) or "error".
  private static String message(JsonNode json) {
    JsonNode m = json.path("message");
    String message = m.isTextual() ? m.asText() : m.isMissingNode() || m.isNull() ? json.path("error").asText("")
        : m.toString();
    JsonNode errors = json.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      message += " (" + errors.get(0).path("message").asText(errors.get(0).toString()) + ")";
    }
    return message;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.nullNode();
    }
  }
}
