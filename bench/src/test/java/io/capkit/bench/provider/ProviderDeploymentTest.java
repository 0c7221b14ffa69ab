package io.capkit.bench.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderDeploymentTest {
  /** The benchmarks start the provider as the checked-in Deployment runs it: its JVM options, arenas and threads. */
  @Test
  void readsTheManagerDeploymentsJvmOptionsArenasAndThreads() throws Exception {
    ProviderDeployment d = ProviderDeployment.read();
    String manifest = Files.readString(findManifest());
    assertTrue(manifest.contains("value: \"" + d.javaToolOptions() + "\""), d.javaToolOptions());
    assertTrue(d.javaToolOptions().startsWith("-Xmx"), d.javaToolOptions());
    assertTrue(manifest.contains("--reconcile-threads=" + d.reconcileThreads()), manifest);
    assertEquals("2", d.mallocArenaMax());
  }

  @Test
  void aManagerWithoutReconcileThreadsIsAnError(@TempDir Path tmp) throws Exception {
    Path m = tmp.resolve("manager.yaml");
    Files.writeString(m, Files.readString(findManifest()).replaceAll("(?m)^\\s*- --reconcile-threads=\\d+\\n", ""));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProviderDeployment.parse(m));
    assertTrue(e.getMessage().contains("--reconcile-threads"), e.getMessage());
  }

  /** bench/provider starts the provider as the image does: java [options] -jar capkit.jar provider run. */
  @Test
  void theImagesEntryPointRunsTheBuiltShadedJar(@TempDir Path root) throws Exception {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProviderDeployment.imageEntryPoint(root));
    assertTrue(e.getMessage().contains("mvn -pl cli -am package"), e.getMessage());
    Path jar = root.resolve("cli/target/capkit.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "");
    assertEquals(java.util.List.of("-jar", jar.toString(), "provider", "run"), ProviderDeployment.imageEntryPoint(root));
  }

  private static Path findManifest() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(ProviderDeployment.MANIFEST))) {
        return dir.resolve(ProviderDeployment.MANIFEST);
      }
    }
    throw new AssertionError("no manifest");
  }
}
