package io.capkit.gitops.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.testsupport.CrdSources;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Argo CD and Flux examples against the upstream CRD schemas (networknt validation plus the API server's
 * unknown-field check), and the plugin's generate.sh argument checks with a stand-in capkit (the real one: the
 * cli module's ArgoCdPluginIT).
 */
class ExamplesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = CrdSources.repoRoot();

  @TempDir
  Path tmp;

  @Test
  void argoApplicationAndFluxObjectsMatchTheUpstreamCrds() throws Exception {
    assertValid("examples/argocd/application.yaml", "argocd/application-crd.yaml", "v1alpha1");
    assertValid("examples/flux/gitrepository.yaml", "flux/source.toolkit.fluxcd.io_gitrepositories.yaml", "v1");
    assertValid("examples/flux/kustomization.yaml", "flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml", "v1");
    // The check can fail: a misspelt field is caught.
    JsonNode bad = load("examples/flux/kustomization.yaml");
    ((com.fasterxml.jackson.databind.node.ObjectNode) bad.get("spec")).put("prunee", true);
    assertEquals(List.of("spec.prunee: unknown field"),
        problems(bad, schema("flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml", "v1")));
  }

  @Test
  void pluginCallsTheScriptTheSidecarMountsAndDiscoversFleets() throws Exception {
    JsonNode plugin = load("examples/argocd/plugin.yaml");
    assertEquals("argoproj.io/v1alpha1", plugin.path("apiVersion").asText());
    assertEquals("ConfigManagementPlugin", plugin.path("kind").asText());
    String script = plugin.path("spec").path("generate").path("command").get(1).asText();
    String patch = Files.readString(ROOT.resolve("examples/argocd/repo-server-patch.yaml"));
    assertTrue(patch.contains("mountPath: " + script + "\n              subPath: generate.sh"), script);
    assertTrue(patch.contains("mountPath: /home/argocd/cmp-server/config/plugin.yaml"));
    JsonNode app = load("examples/argocd/application.yaml");
    assertEquals(plugin.path("metadata").path("name").asText() + "-" + plugin.path("spec").path("version").asText(),
        app.path("spec").path("source").path("plugin").path("name").asText());
    TreeSet<String> params = new TreeSet<>();
    plugin.path("spec").path("parameters").path("static").forEach(p -> params.add(p.path("name").asText()));
    app.path("spec").path("source").path("plugin").path("env")
        .forEach(e -> assertTrue(params.contains(e.path("name").asText()), e.toString()));
    var glob = FileSystems.getDefault().getPathMatcher("glob:" + plugin.path("spec").path("discover").path("find")
        .path("glob").asText());
    assertTrue(glob.matches(Path.of("app/management-clusters/mc1/organizations/acme/workload-clusters/wc1/"
        + "cluster.yaml")));
  }

  @Test
  void generateScriptPassesParametersToCapkitRenderAndRejectsBadOnes() throws Exception {
    Path stub = tmp.resolve("capkit");
    Files.writeString(stub, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
    stub.toFile().setExecutable(true);
    Path app = tmp.resolve("app");
    Files.createDirectories(app.resolve("management-clusters/mc1"));
    Result ok = run(app, stub, Map.of("ARGOCD_ENV_MANAGEMENT_CLUSTER", "mc1"));
    assertEquals(0, ok.code, ok.err);
    // The stand-in renders nothing: its arguments reach stderr, stdout (Argo CD's manifests) stays empty.
    assertEquals("render\n--fleet\nfleet\n--releases\n" + app + "/releases\n--out\nrendered\n", ok.err);
    assertEquals("", ok.out);
    Result custom = run(app, stub, Map.of("ARGOCD_ENV_MANAGEMENT_CLUSTER", "mc1",
        "ARGOCD_ENV_RELEASES_PATH", "fleet-releases"));
    assertTrue(custom.err.contains("--releases\n" + app + "/fleet-releases\n"), custom.err);
    Result missing = run(app, stub, Map.of());
    assertEquals(1, missing.code);
    assertTrue(missing.err.contains("set the MANAGEMENT_CLUSTER parameter"), missing.err);
    Result evil = run(app, stub, Map.of("ARGOCD_ENV_MANAGEMENT_CLUSTER", "mc1;rm -rf"));
    assertEquals(1, evil.code);
    assertTrue(evil.err.contains("is not a DNS-1123 label"), evil.err);
    Result escape = run(app, stub, Map.of("ARGOCD_ENV_MANAGEMENT_CLUSTER", "mc1", "ARGOCD_ENV_RELEASES_PATH",
        "../secrets"));
    assertEquals(1, escape.code);
    Result absent = run(app, stub, Map.of("ARGOCD_ENV_MANAGEMENT_CLUSTER", "mc2"));
    assertTrue(absent.err.contains("no folder ./management-clusters/mc2"), absent.err);
  }

  @Test
  void ciWorkflowGuardsWithRenderCheckAndDiffsFullHistory() throws Exception {
    String text = Files.readString(ROOT.resolve("examples/ci/render.yaml"));
    JsonNode wf = JSON.valueToTree(YamlDocuments.loadOne("render.yaml", text));
    for (String job : List.of("diff", "publish")) {
      JsonNode steps = wf.path("jobs").path(job).path("steps");
      assertEquals(0, steps.get(0).path("with").path("fetch-depth").asInt(-1), job);
      assertTrue(steps.toString().contains("capkit render --fleet fleet --releases releases --out "), job);
    }
    assertTrue(wf.path("jobs").path("publish").path("steps").toString()
        .contains("capkit render --check --fleet fleet --releases releases --out "));
    assertTrue(wf.path("jobs").path("diff").path("steps").toString().contains("capkit diff --fleet fleet --from"));
    assertTrue(wf.path("jobs").path("publish").path("steps").toString().contains("HEAD:refs/heads/rendered"));
  }

  private record Result(int code, String out, String err) {}

  private Result run(Path dir, Path capkit, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", ROOT.resolve("examples/argocd/generate.sh").toString())
        .directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ARGOCD_ENV_"));
    pb.environment().put("CAPKIT", capkit.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private void assertValid(String example, String crd, String version) throws Exception {
    assertEquals(List.of(), problems(load(example), schema(crd, version)), example);
  }

  private static JsonNode load(String example) throws Exception {
    return JSON.valueToTree(YamlDocuments.loadOne(example, Files.readString(ROOT.resolve(example))));
  }

  private static JsonNode schema(String crd, String version) throws Exception {
    Path file = CrdSources.upstream(crd.substring(0, crd.indexOf('/'))).resolve(crd.substring(crd.indexOf('/') + 1));
    JsonNode c = JSON.valueToTree(YamlDocuments.loadOne(crd, Files.readString(file)));
    for (JsonNode v : c.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        return v.path("schema").path("openAPIV3Schema");
      }
    }
    throw new AssertionError(crd + " has no version " + version);
  }

  private static List<String> problems(JsonNode object, JsonNode schema) {
    JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : s.validate(object)) {
      out.add(m.getMessage());
    }
    unknownFields(object, schema, "", out);
    return out;
  }

  // CRD schemas do not say additionalProperties: false; the API server prunes or rejects unknown fields.
  private static void unknownFields(JsonNode value, JsonNode schema, String path, List<String> out) {
    if (value.isObject() && schema.has("properties")
        && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      Iterator<Map.Entry<String, JsonNode>> it = value.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        JsonNode sub = schema.path("properties").get(f.getKey());
        if (sub == null) {
          if (!(path.isEmpty() && List.of("apiVersion", "kind", "metadata").contains(f.getKey()))) {
            out.add(p + ": unknown field");
          }
        } else {
          unknownFields(f.getValue(), sub, p, out);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        unknownFields(value.get(i), schema.get("items"), path + "[" + i + "]", out);
      }
    }
  }
}
