package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local clusterctl repository holding the checked-in components and metadata, read by the real clusterctl
 * ({@code clusterctl generate provider --infrastructure kvm}). Needs the binary that hack/ensure-clusterctl.sh installs.
 */
class ClusterctlGenerateProviderIT {
  private static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));

  static Path clusterctl() {
    String cache = System.getenv("XDG_CACHE_HOME");
    Path base = cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache);
    return base.resolve("capkit/bin/clusterctl");
  }

  @Test
  void clusterctlGeneratesTheProviderFromALocalRepository(@TempDir Path dir) throws Exception {
    Path bin = clusterctl();
    // A missing tool is a broken setup, not a reason to pass: hack/ builds clusterctl for make test.
    assertTrue(Files.isExecutable(bin), "clusterctl not found at " + bin + " (run: bash hack/ensure-clusterctl.sh)");
    Path release = Files.createDirectories(dir.resolve("repo/infrastructure-kvm/v0.1.0"));
    Files.copy(ROOT.resolve(InfrastructureComponents.CHECKED_IN), release.resolve("infrastructure-components.yaml"));
    Files.copy(ROOT.resolve("provider/clusterctl/metadata.yaml"), release.resolve("metadata.yaml"));
    Path config = dir.resolve("clusterctl.yaml");
    Files.writeString(config, "providers:\n  - name: kvm\n    type: InfrastructureProvider\n    url: file://"
        + release.resolve("infrastructure-components.yaml").toAbsolutePath() + "\n");
    ProcessBuilder pb = new ProcessBuilder(bin.toString(), "generate", "provider", "--infrastructure", "kvm:v0.1.0",
        "--config", config.toString()).redirectErrorStream(false);
    pb.environment().put("HOME", dir.toString());
    pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    pb.environment().put("CLUSTERCTL_DISABLE_VERSIONCHECK", "true");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
    assertTrue(out.contains("kind: Deployment") && out.contains("name: manager"), out);
    assertTrue(out.contains("image: ghcr.io/capkit/capkit:0.1.0-SNAPSHOT"), "variable defaults applied:\n" + out);
    assertTrue(out.contains("--libvirt-uri=qemu:///system"), out);
    assertTrue(out.contains("clusterctl.cluster.x-k8s.io"), "clusterctl labels the objects it manages:\n" + out);
  }
}
