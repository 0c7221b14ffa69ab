package io.capkit.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Debian base image a real boot uses, built and cached by {@code hack/ensure-base-image.sh} (fast when cached):
 * its qcow2 path and the build record the script wrote beside it (build time, size, kernel).
 */
public record BaseImage(Path qcow2, Map<String, String> build) {

  /** Runs the hack script of the checkout at {@code repoRoot}; its failure (with its output) is the exception. */
  public static BaseImage ensure(Path repoRoot) {
    Path script = repoRoot.resolve("hack/ensure-base-image.sh");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("no " + script + ": the base image is built by the capkit checkout's hack/"
          + " scripts (run from the repository root)");
    }
    try {
      Path err = Files.createTempFile("ensure-base-image", ".log");
      try {
        Process p = new ProcessBuilder("bash", script.toString()).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IllegalStateException(script + " did not finish in 30 minutes");
        }
        String log = Files.readString(err, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || out.isEmpty()) {
          throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "):\n" + tail(log, 20));
        }
        Path qcow2 = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
        return new BaseImage(qcow2, readBuild(qcow2.resolveSibling("build.txt")));
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the base image", e);
    }
  }

  /** The script's one-line summary (suite, kernel, size, build time). */
  public String summary() {
    return build.getOrDefault("summary", qcow2.toString());
  }

  private static Map<String, String> readBuild(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          out.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    }
    return Map.copyOf(out);
  }

  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
