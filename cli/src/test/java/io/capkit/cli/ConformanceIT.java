package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KvmRules;
import io.capkit.api.release.Release;
import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.gitops.promote.ClusterSelector;
import io.capkit.gitops.promote.PromotionPlanner;
import io.capkit.provider.machine.HostTarget;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.provider.machine.MachinePlanner;
import io.capkit.renderer.ReleaseCatalog;
import io.capkit.renderer.Renderer;
import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.webhook.WebhookConfig;
import io.capkit.webhook.WebhookServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;

/**
 * The conformance corpus ({@code api/src/test/resources/conformance}) through every entry point that accepts each
 * document: the renderer on a generated fleet, {@code capkit validate} (the CLI, in process), the webhook's HTTPS
 * endpoint on a real server, the provider's pre-flight for KVMMachines, and {@code capkit promote}'s plan. Each must
 * give the case's expected verdict and set of field paths; any disagreement fails, all of them listed.
 */
class ConformanceIT {
  private static final Path CORPUS = Path.of(System.getProperty("capkit.repo.root", ".."))
      .resolve("api/src/test/resources/conformance");
  private static final Path RELEASES = CORPUS.resolve("releases");
  private static final String CLUSTER_DIR = "management-clusters/mc/organizations/org/workload-clusters/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Dump YAML = new Dump(DumpSettings.builder().build());

  private static WebhookServer server;
  private static HttpClient client;
  private static SortedMap<String, Release> catalog;

  /** One corpus case: the document(s) and the expectation. */
  record Case(String id, boolean valid, SortedSet<String> paths, Map<String, Object> doc) {
    @SuppressWarnings("unchecked")
    Map<String, Object> object() {
      return (Map<String, Object>) doc.get("object");
    }
  }

  /** What an entry point said: valid or not, and the field paths of its problems. */
  record Verdict(boolean valid, SortedSet<String> paths) {
    static Verdict of(List<Problem> problems) {
      SortedSet<String> paths = new TreeSet<>();
      problems.forEach(p -> paths.add(String.valueOf(p.path())));
      return new Verdict(problems.isEmpty(), paths);
    }

    @Override
    public String toString() {
      return (valid ? "valid" : "invalid") + " " + paths;
    }
  }

  @BeforeAll
  static void startWebhook(@TempDir Path tls) throws Exception {
    catalog = ReleaseCatalog.read(DirectoryTree.open(RELEASES), "releases").releases();
    SelfSignedCertificate pair = SelfSignedCertificate.generate("capkit-webhook");
    pair.writeTo(tls);
    server = WebhookServer.start(new WebhookConfig(tls.resolve("tls.crt"), tls.resolve("tls.key"), 0, "127.0.0.1",
        Duration.ofHours(1), 2, WebhookConfig.DEFAULT_MAX_BODY), name -> Optional.ofNullable(catalog.get(name)));
    client = HttpClient.newBuilder().sslContext(pair.trustingContext()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopWebhook() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void workloadClusters(@TempDir Path tmp) throws Exception {
    List<Case> cases = load("workloadclusters.yaml");
    Map<String, Verdict> validate = validateCli(write(cases, tmp, c -> CLUSTER_DIR + folder(c.object(), "x")
        + "/cluster.yaml"), "--releases", RELEASES.toString());
    List<String> disagreements = new ArrayList<>();
    for (Case c : cases) {
      String file = CLUSTER_DIR + folder(c.object(), "x") + "/cluster.yaml";
      compare(c, "render", render(MemoryTree.ofText("fleet", Map.of(file, YAML.dumpToString(c.object()))),
          DirectoryTree.open(RELEASES)), disagreements);
      compare(c, "validate", validate.get(c.id()), disagreements);
      compare(c, "webhook", admit("/validate-workloadcluster", "fleet.capkit.io", "CREATE", c.object(), null),
          disagreements);
    }
    assertAgreement(cases, disagreements);
  }

  @Test
  void releases(@TempDir Path tmp) throws Exception {
    List<Case> cases = load("releases.yaml");
    Map<String, Verdict> validate = validateCli(write(cases, tmp, c -> "release.yaml"));
    List<String> disagreements = new ArrayList<>();
    for (Case c : cases) {
      String releaseFile = folder(c.object(), "unnamed") + "/release.yaml";
      String text = YAML.dumpToString(c.object());
      compare(c, "render", render(MemoryTree.ofText("fleet", Map.of()), MemoryTree.ofText("releases",
          Map.of(releaseFile, text))), disagreements);
      compare(c, "validate", validate.get(c.id()), disagreements);
      compare(c, "webhook", admit("/validate-release", "release.capkit.io", "CREATE", c.object(), null),
          disagreements);
      // promote reads the same releases folder: a repository whose releases hold this one as well.
      Map<String, String> repo = repoWithCatalog(Map.of());
      repo.put("releases/" + releaseFile, text);
      repo.put("fleet/" + CLUSTER_DIR + "conf/cluster.yaml", clusterOn("v1.0.0"));
      compare(c, "promote", promote(repo, "v1.1.0"), disagreements);
    }
    assertAgreement(cases, disagreements);
  }

  @Test
  void kvmObjects(@TempDir Path tmp) throws Exception {
    List<Case> cases = load("kvm.yaml");
    Map<String, Verdict> validate = validateCli(write(cases, tmp, c -> "object.yaml"));
    KvmRules rules = new KvmRules(Contract.standard());
    List<String> disagreements = new ArrayList<>();
    for (Case c : cases) {
      String kind = (String) c.object().get("kind");
      compare(c, "validate", validate.get(c.id()), disagreements);
      compare(c, "webhook", admit("/validate-" + kind.toLowerCase(Locale.ROOT), "infrastructure.cluster.x-k8s.io",
          "CREATE", c.object(), null), disagreements);
      if (kind.equals("KVMMachine")) {
        compare(c, "provider", preflight(rules, c.object()), disagreements);
      }
    }
    assertAgreement(cases, disagreements);
  }

  @Test
  @SuppressWarnings("unchecked")
  void upgrades() throws Exception {
    List<Case> cases = load("upgrades.yaml");
    List<String> disagreements = new ArrayList<>();
    for (Case c : cases) {
      Map<String, Object> before = (Map<String, Object>) c.doc().get("cluster");
      String to = (String) c.doc().get("to");
      Map<String, Object> after = JSON.convertValue(before, Map.class);
      ((Map<String, Object>) after.get("spec")).put("release", to);
      compare(c, "webhook", admit("/validate-workloadcluster", "fleet.capkit.io", "UPDATE", after, before),
          disagreements);
      Map<String, String> repo = repoWithCatalog(Map.of());
      repo.put("fleet/" + CLUSTER_DIR + "conf/cluster.yaml", YAML.dumpToString(before));
      compare(c, "promote", promote(repo, to), disagreements);
    }
    assertAgreement(cases, disagreements);
  }

  // ---- entry points

  private static Verdict render(SourceTree fleet, SourceTree releases) {
    try {
      new Renderer(Contract.standard(), io.capkit.renderer.Flavors.standard()).render(fleet, "fleet", releases,
          "releases");
      return new Verdict(true, new TreeSet<>());
    } catch (InvalidInputException e) {
      return Verdict.of(e.problems());
    }
  }

  /** {@code capkit validate} on every file at once; its stderr lines {@code file: path: message}, per case. */
  private static Map<String, Verdict> validateCli(Map<String, Path> files, String... options) {
    List<String> args = new ArrayList<>(List.of("validate"));
    args.addAll(List.of(options));
    files.values().forEach(f -> args.add(f.toString()));
    CapkitCommandTest.Run run = CapkitCommandTest.run(args.toArray(String[]::new));
    Map<String, SortedSet<String>> byFile = new TreeMap<>();
    for (String line : run.err().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(": ");
      String file = line.substring(0, colon);
      String rest = line.substring(colon + 2);
      int next = rest.indexOf(": ");
      byFile.computeIfAbsent(file, f -> new TreeSet<>()).add(next < 0 ? "null" : rest.substring(0, next));
    }
    assertEquals(byFile.isEmpty() ? 0 : 1, run.code(), run.err());
    Map<String, Verdict> out = new LinkedHashMap<>();
    files.forEach((id, f) -> {
      SortedSet<String> paths = byFile.getOrDefault(f.toString(), new TreeSet<>());
      out.put(id, new Verdict(paths.isEmpty(), paths));
    });
    return out;
  }

  private static Verdict admit(String path, String group, String operation, Map<String, Object> object,
                               Map<String, Object> oldObject) throws IOException, InterruptedException {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("uid", "conformance");
    String kind = String.valueOf(object.get("kind"));
    req.put("kind", Map.of("group", group, "version", "v1alpha1", "kind", kind));
    req.put("resource", Map.of("group", group, "version", "v1alpha1", "resource",
        kind.toLowerCase(Locale.ROOT) + "s"));
    req.put("operation", operation);
    req.put("userInfo", Map.of("username", "conformance"));
    req.put("object", object);
    if (oldObject != null) {
      req.put("oldObject", oldObject);
    }
    byte[] body = JSON.writeValueAsBytes(Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
        "request", req));
    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
        + server.port() + path)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    JsonNode answer = JSON.readTree(response.body()).path("response");
    SortedSet<String> paths = new TreeSet<>();
    answer.path("status").path("details").path("causes").forEach(cause -> paths.add(cause.path("field").asText()));
    return new Verdict(answer.path("allowed").asBoolean(), paths);
  }

  /** The provider's pre-flight on a KVMMachine as the API server hands it over: after the webhook's defaults. */
  @SuppressWarnings("unchecked")
  private static Verdict preflight(KvmRules rules, Map<String, Object> object) {
    Map<String, Object> defaulted = JSON.convertValue(object, Map.class);
    Map<String, Object> spec = (Map<String, Object>) defaulted.computeIfAbsent("spec", k -> new LinkedHashMap<>());
    try {
      KVMMachine typed = StrictReader.read(null, defaulted, KVMMachine.class, (String) object.get("apiVersion"),
          "KVMMachine");
      rules.machineDefaults(typed.getSpec()).forEach((field, value) -> {
        String[] parts = field.split("\\.");
        Map<String, Object> at = spec;
        for (int i = 0; i < parts.length - 1; i++) {
          at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
        }
        at.put(parts[parts.length - 1], value);
      });
      typed = StrictReader.read(null, defaulted, KVMMachine.class, (String) object.get("apiVersion"), "KVMMachine");
      Map<String, String> labels = typed.getMetadata().getLabels();
      boolean controlPlane = labels != null && labels.containsKey(KvmRules.CONTROL_PLANE_LABEL);
      MachinePlanner.plan(MachineIdentity.of("org-a", "conf"), typed.getSpec(),
          new HostTarget("host-a", "test:///default", true, "default-pool", "default"), controlPlane);
      return new Verdict(true, new TreeSet<>());
    } catch (InvalidInputException e) {
      return Verdict.of(e.problems());
    }
  }

  private static Verdict promote(Map<String, String> repo, String release) {
    try {
      PromotionPlanner.plan(MemoryTree.ofText("repo", repo), "fleet", "releases", ClusterSelector.parse("name=*"),
          release);
      return new Verdict(true, new TreeSet<>());
    } catch (InvalidInputException e) {
      return Verdict.of(e.problems());
    }
  }

  // ---- corpus

  /** Writes each case's object to {@code <dir>/<index>/<name(case)>} for capkit validate; case id → file. */
  private static Map<String, Path> write(List<Case> cases, Path dir, Function<Case, String> name) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    for (int i = 0; i < cases.size(); i++) {
      Path f = dir.resolve(i + "/" + name.apply(cases.get(i)));
      Files.createDirectories(f.getParent());
      Files.writeString(f, YAML.dumpToString(cases.get(i).object()));
      files.put(cases.get(i).id(), f);
    }
    return files;
  }

  private static List<Case> load(String file) throws IOException {
    String text = Files.readString(CORPUS.resolve(file));
    List<Case> out = new ArrayList<>();
    for (Object o : YamlDocuments.loadAll(file, text)) {
      @SuppressWarnings("unchecked") Map<String, Object> doc = (Map<String, Object>) o;
      @SuppressWarnings("unchecked") Map<String, Object> expect = (Map<String, Object>) doc.get("expect");
      @SuppressWarnings("unchecked") List<String> paths = (List<String>) expect.get("paths");
      out.add(new Case((String) doc.get("case"), (Boolean) expect.get("valid"), new TreeSet<>(paths), doc));
    }
    assertTrue(out.size() >= 15, file + " holds " + out.size() + " cases");
    return out;
  }

  private static Map<String, String> repoWithCatalog(Map<String, String> extra) throws IOException {
    Map<String, String> repo = new TreeMap<>(extra);
    SourceTree releases = DirectoryTree.open(RELEASES);
    for (String f : releases.files()) {
      repo.put("releases/" + f, new String(releases.read(f).orElseThrow(), StandardCharsets.UTF_8));
    }
    return repo;
  }

  private static String clusterOn(String release) {
    return "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata: {name: conf}\n"
        + "spec: {release: " + release + ", controlPlaneEndpoint: {host: 10.0.0.10, port: 6443}}\n";
  }

  /** The folder a document goes in: its metadata.name when that is a plain string, else {@code fallback}. */
  @SuppressWarnings("unchecked")
  private static String folder(Map<String, Object> object, String fallback) {
    Object meta = object.get("metadata");
    Object name = meta instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("name") : null;
    return name instanceof String s && !s.isEmpty() && !s.contains("/") && !s.startsWith(".") ? s : fallback;
  }

  private static void compare(Case c, String entryPoint, Verdict got, List<String> disagreements) {
    Verdict want = new Verdict(c.valid(), c.paths());
    if (!want.equals(got)) {
      disagreements.add(c.id() + " [" + entryPoint + "]: expected " + want + ", got " + got);
    }
  }

  private static void assertAgreement(List<Case> cases, List<String> disagreements) {
    assertTrue(disagreements.isEmpty(), disagreements.size() + " disagreements over " + cases.size() + " cases:\n"
        + String.join("\n", disagreements));
  }
}
