package io.capkit.bench.provider;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the provider's {@code manager} Deployment (provider/config/manager.yaml) runs it: the JVM options
 * ({@code JAVA_TOOL_OPTIONS}), {@code MALLOC_ARENA_MAX} and {@code --reconcile-threads}. The benchmarks start the
 * provider with exactly these, read from the manifest, so what they measure is what the Deployment runs.
 */
public record ProviderDeployment(String javaToolOptions, String mallocArenaMax, int reconcileThreads) {
  public static final Path MANIFEST = Path.of("provider", "config", "manager.yaml");

  /** The shaded jar the image runs ({@code /app/capkit.jar}), as {@code mvn -pl cli -am package} builds it. */
  public static final Path CAPKIT_JAR = Path.of("cli", "target", "capkit.jar");

  /**
   * What follows the JVM options on the provider's command line in the Deployment: the image's entry point
   * ({@code java -jar /app/capkit.jar}, docs/image.md) and the manager's {@code provider run}, here with the
   * repository's built {@code cli/target/capkit.jar}. The process then loads its classes from the one shaded jar, as
   * in the Deployment, not from the reactor's class folders and ~100 jars of the harness's class path.
   */
  public static List<String> imageEntryPoint() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(MANIFEST))) {
        return imageEntryPoint(dir);
      }
    }
    throw new IllegalStateException(MANIFEST + " not found in " + Path.of("").toAbsolutePath() + " or above");
  }

  /** As {@link #imageEntryPoint()} for the repository at {@code root}; its jar must have been built. */
  static List<String> imageEntryPoint(Path root) {
    Path jar = root.resolve(CAPKIT_JAR);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " not found: build it with mvn -pl cli -am package -DskipTests"
          + " (bench/provider/run.sh does)");
    }
    return List.of("-jar", jar.toString(), "provider", "run");
  }

  /** The manifest of the repository the current folder is in (the run.sh scripts start at its root). */
  public static ProviderDeployment read() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(MANIFEST))) {
        return parse(dir.resolve(MANIFEST));
      }
    }
    throw new IllegalStateException(MANIFEST + " not found in " + Path.of("").toAbsolutePath() + " or above");
  }

  static ProviderDeployment parse(Path manifest) {
    Deployment d;
    try {
      d = Serialization.unmarshal(Files.readString(manifest), Deployment.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest.toAbsolutePath() + " (run from the repository root)", e);
    }
    Container manager = d.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> "manager".equals(c.getName())).findFirst()
        .orElseThrow(() -> new IllegalStateException(manifest + ": no container named manager"));
    String threads = manager.getArgs().stream().filter(a -> a.startsWith("--reconcile-threads=")).findFirst()
        .map(a -> a.substring(a.indexOf('=') + 1))
        .orElseThrow(() -> new IllegalStateException(manifest + ": the manager passes no --reconcile-threads=N"));
    return new ProviderDeployment(env(manager, "JAVA_TOOL_OPTIONS", manifest), env(manager, "MALLOC_ARENA_MAX", manifest),
        Integer.parseInt(threads));
  }

  private static String env(Container c, String name, Path manifest) {
    return c.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue).findFirst()
        .orElseThrow(() -> new IllegalStateException(manifest + ": the manager has no " + name));
  }
}
