package io.capkit.gitops.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 5 (pure part): which URL gets which credentials, and how URLs are masked. The network part is
 * {@code HostileTenantGitIT}.
 */
class HostileTenantGitTest {
  private static final Map<String, String> ALL = Map.of("GITHUB_TOKEN", "ghs_gh-secret", "CAPKIT_GIT_TOKEN",
      "capkit-secret", "GIT_USERNAME", "robot", "GIT_PASSWORD", "pw-secret", "CAPKIT_GIT_HOST", "git.acme.example");

  private static Optional<GitCredentialsFile.Login> login(Map<String, String> env, String url) {
    return new GitCredentials(env, null).login(url);
  }

  private static void assertNoPart(String shown, String... secrets) {
    for (String s : secrets) {
      assertFalse(shown.contains(s), "\"" + s + "\" leaked in: " + shown);
    }
  }

  @Test
  void urlsFromTheIssueAreMaskedWhole() {
    String slash = "https://bot:s3cr3t/token@git.acme.example/acme/fleet.git";
    String at = "https://bot:p@ss@git.acme.example/acme/fleet.git";
    assertEquals("https://***", GitLocation.mask(slash));
    assertEquals("https://***", GitLocation.mask(at));
    assertEquals("fetch https://*** failed: not found",
        GitLocation.mask("fetch " + at + " failed: not found"));
    assertNoPart(GitLocation.mask("remote " + slash + ": 404\nagain: '" + at + "'"), "s3cr3t", "token", "p@ss", "ss@");
    // A well-formed URL keeps its host and path; only the user information goes.
    assertEquals("cannot reach https://***@git.acme.example:8443/acme/fleet.git: timeout",
        GitLocation.mask("cannot reach https://bot:p%40ss@git.acme.example:8443/acme/fleet.git: timeout"));
    assertEquals("https://git.acme.example/a@b", GitLocation.mask("https://git.acme.example/a@b"));
    assertEquals("git+ssh://***@h/x", GitLocation.mask("git+ssh://me:pw@h/x"));
  }

  @Test
  void aUrlWhosePasswordCannotBeToldApartIsRefusedMasked() {
    for (String url : new String[] {"https://bot:s3cr3t/token@git.acme.example/acme/fleet.git",
        "https://bot:p@ss@git.acme.example/acme/fleet.git"}) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> GitLocation.parse(url));
      assertEquals("https://***: is not a valid URL: percent-encode '@', ':' and '/' in a user name or password"
          + " (%40, %3A, %2F)", e.getMessage());
    }
  }

  @Test
  void credentialsInAPlainHttpUrlAreRefused() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> GitLocation.parse("http://bot:pw-secret@git.acme.example/acme/fleet.git"));
    assertEquals("http://***@git.acme.example/acme/fleet.git: has credentials in a plain http:// URL, which would send"
        + " them in clear: use https://", e.getMessage());
    assertTrue(GitLocation.parse("http://bot:pw@127.0.0.1:8080/fleet.git").remote(), "loopback never leaves the host");
  }

  @Test
  void tokensGoOnlyToTheHostTheyAreConfiguredFor() {
    assertEquals(Optional.empty(), login(ALL, "https://evil.example/acme/fleet.git"), "another host gets nothing");
    assertEquals(Optional.empty(), login(ALL, "https://git.acme.example.evil.example/fleet.git"));
    assertEquals(Optional.empty(), login(ALL, "https://git.acme.example:8443/fleet.git"), "another port is another host");
    assertEquals(Optional.of(new GitCredentialsFile.Login("robot", "pw-secret")),
        login(ALL, "https://GIT.acme.example/acme/fleet.git"));
    Map<String, String> tokenOnly = Map.of("CAPKIT_GIT_TOKEN", "capkit-secret", "CAPKIT_GIT_HOST", "git.acme.example");
    assertEquals(Optional.of(new GitCredentialsFile.Login("x-access-token", "capkit-secret")),
        login(tokenOnly, "https://git.acme.example:443/acme/fleet.git"));
    assertEquals(Optional.empty(), login(Map.of("CAPKIT_GIT_TOKEN", "capkit-secret"), "https://github.com/a/b.git"),
        "a token with no host configured goes nowhere");
  }

  @Test
  void githubTokenGoesOnlyToTheGitHubServer() {
    Map<String, String> gh = Map.of("GITHUB_TOKEN", "ghs_gh-secret");
    assertEquals(Optional.of(new GitCredentialsFile.Login("x-access-token", "ghs_gh-secret")),
        login(gh, "https://github.com/acme/fleet.git"));
    assertEquals(Optional.empty(), login(gh, "https://gitlab.example/acme/fleet.git"));
    Map<String, String> ghes = Map.of("GITHUB_TOKEN", "ghs_gh-secret", "GITHUB_SERVER_URL", "https://ghe.acme.example");
    assertEquals(Optional.empty(), login(ghes, "https://github.com/acme/fleet.git"));
    assertTrue(login(ghes, "https://ghe.acme.example/acme/fleet.git").isPresent());
  }

  @Test
  void nothingGoesOverPlainHttpExceptToThisMachine() {
    Map<String, String> plain = Map.of("GITHUB_TOKEN", "ghs_gh-secret", "GITHUB_SERVER_URL", "http://github.com",
        "CAPKIT_GIT_TOKEN", "capkit-secret", "CAPKIT_GIT_HOST", "git.acme.example:80");
    assertEquals(Optional.empty(), login(plain, "http://github.com/acme/fleet.git"));
    assertEquals(Optional.empty(), login(plain, "http://git.acme.example/acme/fleet.git"));
    assertEquals("credentials are never sent over plain http:// (use https://)",
        new GitCredentials(plain, null).withheld("http://git.acme.example/acme/fleet.git").orElseThrow());
    Map<String, String> local = Map.of("CAPKIT_GIT_TOKEN", "capkit-secret", "CAPKIT_GIT_HOST", "127.0.0.1:8080");
    assertTrue(login(local, "http://127.0.0.1:8080/fleet.git").isPresent());
    assertEquals(Optional.empty(), login(local, "http://localhost:8080/fleet.git"), "a host is matched as written");
  }

  @Test
  void theHintNamesWhereTokensGoWithoutTheToken() {
    String hint = new GitCredentials(ALL, null).withheld("https://evil.example/x.git").orElseThrow();
    assertEquals("GIT_PASSWORD and CAPKIT_GIT_TOKEN are sent only to the host in CAPKIT_GIT_HOST (git.acme.example),"
        + " GITHUB_TOKEN only to the host of GITHUB_SERVER_URL (github.com:443)", hint);
    assertNoPart(hint, "secret");
  }
}
