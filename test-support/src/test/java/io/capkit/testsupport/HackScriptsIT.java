package io.capkit.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hack/ensure-test-binaries.sh on a machine without Go and on a half-built cache with the module proxy out of
 * reach: exit 1 with a message that says what to do, leftovers cleaned, and nothing half-built installed where
 * kube-api-test would pick it up.
 */
class HackScriptsIT {
  private static final Path SCRIPT = CrdSources.repoRoot().resolve("hack/ensure-test-binaries.sh");

  @TempDir
  Path tmp;

  record Run(int exit, String stderr) {}

  @Test
  void withoutGoItSaysSoAndInstallsNothing() throws Exception {
    Path kat = tmp.resolve("kat");
    Run run = run(Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString(), "KUBE_API_TEST_DIR", kat.toString(),
        "XDG_CACHE_HOME", tmp.resolve("cache").toString()));
    assertEquals(1, run.exit(), run.stderr());
    assertTrue(run.stderr().contains("ERROR: Go is not installed (no 'go' on PATH); install Go >= "), run.stderr());
    assertEquals(List.of(), versionFolders(kat), "a version folder kube-api-test would use");
  }

  @Test
  void aHalfBuiltCacheIsDetectedAndAFailedDownloadLeavesNoLeftovers() throws Exception {
    Path installed = installedBinaries();
    Path kat = tmp.resolve("kat");
    Path dest = kat.resolve("k8s").resolve(installed.getFileName());
    Files.createDirectories(dest);
    for (String f : List.of("etcd", "kubectl", ".capkit-build", ".capkit-cksum", ".capkit-sha256")) {
      Files.copy(installed.resolve(f), dest.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
    }
    // An interrupted build: a truncated kube-apiserver and a staging folder left behind.
    Files.write(dest.resolve("kube-apiserver"), new byte[4096]);
    dest.resolve("kube-apiserver").toFile().setExecutable(true);
    Files.createDirectories(kat.resolve("k8s/.capkit-tmp.interrupted"));
    Files.writeString(kat.resolve("k8s/.capkit-tmp.interrupted/kube-apiserver"), "partial");

    String go = Stream.of(System.getenv("PATH").split(":")).map(Path::of).filter(d -> Files.isExecutable(d.resolve("go")))
        .findFirst().orElse(Path.of("/usr/local/go/bin")).toString();
    Map<String, String> env = Map.of("PATH", go + ":/usr/bin:/bin", "HOME", tmp.toString(),
        "KUBE_API_TEST_DIR", kat.toString(), "XDG_CACHE_HOME", tmp.resolve("cache").toString(),
        "GOMODCACHE", tmp.resolve("gomod").toString(), "GOCACHE", tmp.resolve("gocache").toString(),
        "GOPROXY", "off", "GOFLAGS", "-mod=mod");
    for (int attempt = 1; attempt <= 2; attempt++) {
      Run run = run(env);
      assertEquals(1, run.exit(), run.stderr());
      assertTrue(run.stderr().contains("cache missing or stale at " + dest), run.stderr());
      assertTrue(run.stderr().contains("reusing etcd from the existing cache"), run.stderr());
      assertTrue(run.stderr().contains("module download failed: k8s.io/kubernetes@"), run.stderr());
      assertTrue(run.stderr().contains("ERROR: cannot get k8s.io/kubernetes@"), run.stderr());
      try (Stream<Path> s = Files.list(kat.resolve("k8s"))) {
        assertEquals(List.of(dest), s.toList(), "staging folders left behind (attempt " + attempt + ")");
      }
      assertEquals(4096, Files.size(dest.resolve("kube-apiserver")), "the broken binary was half-replaced");
    }
    String sha = Files.readString(dest.resolve(".capkit-sha256"));
    assertFalse(sha.isEmpty());
  }

  /** Where hack/ installed the pinned binaries for this test run (make test runs it first). */
  private static Path installedBinaries() throws IOException {
    String version = Files.readAllLines(CrdSources.repoRoot().resolve("hack/versions.env")).stream()
        .filter(l -> l.startsWith("K8S_VERSION=")).findFirst().orElseThrow().substring("K8S_VERSION=v".length());
    String dir = System.getenv("KUBE_API_TEST_DIR");
    Path kat = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".kubeapitest");
    return kat.resolve("k8s").resolve(version + "-linux-amd64");
  }

  private static List<Path> versionFolders(Path kat) throws IOException {
    if (!Files.isDirectory(kat.resolve("k8s"))) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(kat.resolve("k8s"))) {
      return s.filter(p -> p.getFileName().toString().endsWith("-linux-amd64")).toList();
    }
  }

  private static Run run(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the script hung");
    return new Run(p.exitValue(), new String(err, StandardCharsets.UTF_8));
  }
}
