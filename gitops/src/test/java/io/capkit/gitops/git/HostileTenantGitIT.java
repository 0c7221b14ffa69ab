package io.capkit.gitops.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.capkit.api.InvalidInputException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 5, over the network: real JGit fetches against HTTP servers on loopback that ask for credentials
 * (401 + {@code WWW-Authenticate: Basic}) and record every {@code Authorization} header they get. A host a token is
 * not configured for, including one a configured host redirects to, never sees it.
 */
class HostileTenantGitIT {
  private static final Map<String, String> SECRETS = Map.of("GITHUB_TOKEN", "ghs_gh-secret", "CAPKIT_GIT_TOKEN",
      "capkit-secret", "GIT_USERNAME", "robot", "GIT_PASSWORD", "pw-secret");

  @TempDir
  Path tmp;

  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  /** A server that records the Authorization header of every request (null when absent). */
  private record Recorder(HttpServer server, List<String> authorizations) {
    String authority() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }
  }

  private Recorder recorder(String redirectTo) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> seen = new CopyOnWriteArrayList<>();
    s.createContext("/", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      seen.add(String.valueOf(auth));
      if (auth != null && redirectTo != null) {
        ex.getResponseHeaders().set("Location", redirectTo + ex.getRequestURI());
        ex.sendResponseHeaders(301, -1);
      } else {
        ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
        ex.sendResponseHeaders(401, -1);
      }
      ex.close();
    });
    s.start();
    servers.add(s);
    return new Recorder(s, seen);
  }

  @BeforeEach
  void noServers() {
    servers.clear();
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private InvalidInputException fetch(Map<String, String> env, String url) {
    GitRepositories repos = new GitRepositories(tmp.resolve("cache"), new GitCredentials(env, tmp.resolve("home")));
    return assertThrows(InvalidInputException.class, () -> repos.open(url).close());
  }

  @Test
  void aHostNoTokenIsConfiguredForGetsNoCredentials() throws IOException {
    Recorder evil = recorder(null);
    Map<String, String> env = new java.util.HashMap<>(SECRETS);
    env.put("CAPKIT_GIT_HOST", "git.acme.example");
    InvalidInputException e = fetch(env, "http://" + evil.authority() + "/acme/fleet.git");
    assertFalse(evil.authorizations().isEmpty(), "the fetch reached the server");
    assertEquals(List.of("null"), evil.authorizations().stream().distinct().toList(), "no Authorization header sent");
    assertTrue(e.getMessage().contains("CAPKIT_GIT_TOKEN are sent only to the host in CAPKIT_GIT_HOST"),
        e.getMessage());
    for (String secret : SECRETS.values()) {
      assertFalse(e.getMessage().contains(secret) && !secret.equals("robot"), e.getMessage());
    }
  }

  @Test
  void theConfiguredHostGetsTheTokenButNotTheHostItRedirectsTo() throws IOException {
    Recorder elsewhere = recorder(null);
    // Same machine, other name and port: another host as far as credentials go.
    Recorder configured = recorder("http://localhost:" + elsewhere.server().getAddress().getPort());
    Map<String, String> env = Map.of("CAPKIT_GIT_TOKEN", "capkit-secret", "CAPKIT_GIT_HOST", configured.authority());
    fetch(env, "http://" + configured.authority() + "/acme/fleet.git");
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("x-access-token:capkit-secret".getBytes(
        java.nio.charset.StandardCharsets.UTF_8));
    assertTrue(configured.authorizations().contains(basic), "the configured host got the token: "
        + configured.authorizations());
    assertFalse(elsewhere.authorizations().isEmpty(), "JGit followed the redirect");
    assertEquals(List.of("null"), elsewhere.authorizations().stream().distinct().toList(),
        "the host redirected to never sees the token");
  }
}
