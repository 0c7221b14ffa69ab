package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.YamlDocuments;
import io.capkit.testsupport.CrdSources;
import io.capkit.testsupport.FileTrees;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Argo CD config management plugin run as the sidecar runs it: plugin.yaml's generate command, in the
 * Application's path, with the parameters as ARGOCD_ENV_* and the build environment Argo CD adds, and the real
 * capkit on PATH; what it prints is checked against the CRDs by {@code capkit validate}.
 */
class ArgoCdPluginIT {
  private static final Path ROOT = CrdSources.repoRoot();
  private static final String MOUNTED_SCRIPT = "/home/argocd/cmp-server/capkit/generate.sh";

  @TempDir
  Path tmp;

  private record Result(int code, String out, String err) {}

  @Test
  void generatePrintsTheManagementClustersObjectsValidAgainstTheCrds() throws Exception {
    Path app = checkout();
    Result r = generate(app, Map.of("ARGOCD_ENV_MANAGEMENT_CLUSTER", "mc-berlin"));
    assertEquals(0, r.code(), r.err());
    List<Object> docs = YamlDocuments.loadAll("generate", r.out());
    TreeSet<String> clusters = new TreeSet<>();
    TreeSet<String> kinds = new TreeSet<>();
    for (Object d : docs) {
      Map<?, ?> m = (Map<?, ?>) d;
      kinds.add(m.get("apiVersion") + "/" + m.get("kind"));
      if ("Cluster".equals(m.get("kind"))) {
        clusters.add(String.valueOf(((Map<?, ?>) m.get("metadata")).get("name")));
      }
    }
    // Every workload cluster folder of mc-berlin in the example fleet (each named after its folder).
    TreeSet<String> expected = new TreeSet<>();
    try (var orgs = Files.list(app.resolve("management-clusters/mc-berlin/organizations"))) {
      for (Path org : orgs.toList()) {
        try (var wcs = Files.list(org.resolve("workload-clusters"))) {
          wcs.forEach(wc -> expected.add(wc.getFileName().toString()));
        }
      }
    }
    assertTrue(expected.containsAll(List.of("analytics", "legacy", "prod-eu", "staging")), expected.toString());
    assertEquals(expected, clusters);
    assertFalse(kinds.contains("kustomize.config.k8s.io/v1beta1/Kustomization"), kinds.toString());
    assertTrue(kinds.contains("source.toolkit.fluxcd.io/v1/HelmRepository"), kinds.toString());
    assertTrue(r.err().contains("rendered "), "capkit's progress goes to stderr: " + r.err());

    Path manifests = tmp.resolve("generated.yaml");
    Files.writeString(manifests, r.out(), StandardCharsets.UTF_8);
    CapkitCommandTest.Run v = CapkitCommandTest.run("validate", "--crds",
        CrdSources.upstream("capi").getParent().toString(), manifests.toString());
    assertEquals(0, v.code(), v.err());
    assertEquals("1 files valid\n", v.out());
    // The validation can fail: the same stream with a misspelt field is refused.
    Files.writeString(manifests, r.out().replaceFirst("\n  clusterNetwork:", "\n  clusterNetwrok:"));
    assertEquals(1, CapkitCommandTest.run("validate", "--crds", CrdSources.upstream("capi").getParent().toString(),
        manifests.toString()).code());
  }

  @Test
  void badParametersAndInvalidFleetsFailWithTheReason() throws Exception {
    Path app = checkout();
    Result unknown = generate(app, Map.of("ARGOCD_ENV_MANAGEMENT_CLUSTER", "mc-paris"));
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("no folder ./management-clusters/mc-paris"), unknown.err());
    assertEquals("", unknown.out());
    Path wc = app.resolve("management-clusters/mc-berlin/organizations/acme/workload-clusters/staging/cluster.yaml");
    Files.writeString(wc, Files.readString(wc).replace("release: v1.2.0", "release: v9.9.9"));
    Result invalid = generate(app, Map.of("ARGOCD_ENV_MANAGEMENT_CLUSTER", "mc-berlin"));
    assertEquals(1, invalid.code());
    assertTrue(invalid.err().contains("spec.release: release v9.9.9 does not exist"), invalid.err());
    assertEquals("", invalid.out(), "no partial manifests reach Argo CD");
  }

  // The repository as the CMP server unpacks it: the Application's path holds the fleet and releases/.
  private Path checkout() throws IOException {
    Path app = tmp.resolve("repo/app");
    FileTrees.copy(ROOT.resolve("fleet-repo-example"), app);
    FileTrees.copy(ROOT.resolve("releases"), app.resolve("releases"));
    return app;
  }

  private Result generate(Path app, Map<String, String> parameters) throws Exception {
    String plugin = Files.readString(ROOT.resolve("examples/argocd/plugin.yaml"));
    Map<?, ?> spec = (Map<?, ?>) YamlDocuments.loadOne("plugin.yaml", plugin).get("spec");
    List<String> command = new ArrayList<>();
    for (Object part : (List<?>) ((Map<?, ?>) spec.get("generate")).get("command")) {
      // The sidecar mounts generate.sh from the ConfigMap at this path (repo-server-patch.yaml).
      command.add(part.equals(MOUNTED_SCRIPT) ? ROOT.resolve("examples/argocd/generate.sh").toString() : (String) part);
    }
    assertTrue(command.contains(ROOT.resolve("examples/argocd/generate.sh").toString()), command.toString());
    Path bin = tmp.resolve("bin");
    Files.createDirectories(bin);
    Path capkit = bin.resolve("capkit");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Files.writeString(capkit, "#!/bin/sh\nexec '" + javaBin + "' -cp '" + System.getProperty("java.class.path")
        + "' io.capkit.cli.Capkit \"$@\"\n");
    assertTrue(capkit.toFile().setExecutable(true));
    ProcessBuilder pb = new ProcessBuilder(command).directory(app.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("ARGOCD_") || k.equals("CAPKIT"));
    env.put("PATH", bin + File.pathSeparator + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("TMPDIR", tmp.toString());
    // What Argo CD's build environment adds beside the parameters.
    env.put("ARGOCD_APP_NAME", "fleet-mc-berlin");
    env.put("ARGOCD_APP_NAMESPACE", "argocd");
    env.put("ARGOCD_APP_REVISION", "0123456789abcdef0123456789abcdef01234567");
    env.put("ARGOCD_APP_SOURCE_PATH", ".");
    env.put("ARGOCD_APP_SOURCE_REPO_URL", "https://github.com/acme/fleet.git");
    env.put("ARGOCD_APP_SOURCE_TARGET_REVISION", "main");
    env.put("KUBE_VERSION", "1.34.1");
    env.putAll(parameters);
    Process p = pb.start();
    p.getOutputStream().close();
    var out = p.getInputStream();
    var err = p.getErrorStream();
    // Read both streams while the process runs, so a full pipe never blocks it.
    var errText = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(err.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "generate finished");
    return new Result(p.exitValue(), outText, errText.get());
  }
}
