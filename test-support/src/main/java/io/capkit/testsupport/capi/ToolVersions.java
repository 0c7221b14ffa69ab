package io.capkit.testsupport.capi;

import io.capkit.testsupport.CrdSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the binaries that hack/ built live, at the versions pinned in hack/versions.env (the one place versions
 * are written): the CAPI managers (hack/ensure-capi.sh) and kube-apiserver + etcd (hack/ensure-test-binaries.sh).
 */
public final class ToolVersions {
  private final Map<String, String> versions;
  private final Path home;

  private ToolVersions(Map<String, String> versions, Path home) {
    this.versions = versions;
    this.home = home;
  }

  public static ToolVersions pinned() {
    Path file = CrdSources.repoRoot().resolve("hack/versions.env");
    Map<String, String> v = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && eq > 0) {
          v.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return new ToolVersions(v, Path.of(System.getProperty("user.home")));
  }

  public String capiVersion() {
    return require("CAPI_VERSION");
  }

  public String kubernetesVersion() {
    return require("K8S_VERSION");
  }

  /** The folder hack/ensure-capi.sh fills: the three managers, clusterctl and their webhook manifests. */
  public Path capiDir() {
    String env = System.getenv("CAPKIT_CAPI_DIR");
    Path dir = env != null && !env.isBlank() ? Path.of(env) : cache().resolve("capi").resolve(capiVersion());
    for (String bin : new String[] {"capi-manager", "kubeadm-bootstrap-manager", "kubeadm-control-plane-manager"}) {
      if (!Files.isExecutable(dir.resolve(bin))) {
        throw new IllegalStateException("the CAPI " + capiVersion() + " managers are not built (no " + dir.resolve(bin)
            + "); run: bash hack/ensure-capi.sh");
      }
    }
    return dir;
  }

  /** kube-apiserver, etcd and kubectl as hack/ensure-test-binaries.sh installs them for kube-api-test. */
  public Path kubeBinDir() {
    String env = System.getenv("KUBE_API_TEST_DIR");
    Path base = env != null && !env.isBlank() ? Path.of(env) : home.resolve(".kubeapitest");
    Path dir = base.resolve("k8s").resolve(kubernetesVersion().substring(1) + "-linux-amd64");
    if (!Files.isExecutable(dir.resolve("kube-apiserver")) || !Files.isExecutable(dir.resolve("etcd"))) {
      throw new IllegalStateException("kube-apiserver/etcd " + kubernetesVersion() + " are not built (looked in " + dir
          + "); run: bash hack/ensure-test-binaries.sh");
    }
    return dir;
  }

  private Path cache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".cache")).resolve("capkit");
  }

  private String require(String key) {
    String v = versions.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("hack/versions.env has no " + key);
    }
    return v;
  }
}
