package io.capkit.api.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.capkit.api.InvalidInputException;
import io.capkit.api.fleet.FleetDefaults;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.fleet.WorkloadClusterSpec;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseSpec;
import io.capkit.api.release.ReleaseState;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link StrictReader} with and without {@link PlainTreeReader}'s direct path must give the same objects (the same
 * JSON, the same Java types inside maps and lists) and the same problems, for every file of the repository, for random
 * WorkloadCluster trees and for mutated Releases; the direct path must be the one taken for the plain files it exists for. {@link StrictReader#readParts} must
 * give what {@link StrictReader#read} puts into a WorkloadCluster, or the same problems, on the same trees.
 */
class PlainTreeReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final List<String> HOSTILE_KEYS = List.of("uid", "generation", "finalizers", "nmae", "relase",
      "extra");
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyFileOfTheRepositoryReadsTheSameWithAndWithoutTheDirectPath() throws IOException {
    int clusters = 0;
    int defaults = 0;
    int metadata = 0;
    int direct = 0;
    int releases = 0;
    int releasesDirect = 0;
    for (Path file : yamlFiles()) {
      List<Object> docs;
      try {
        docs = YamlDocuments.loadAll(file.toString(), Files.readAllBytes(file));
      } catch (InvalidInputException e) {
        continue; // files that are not YAML documents on purpose (test inputs)
      }
      for (Object doc : docs) {
        if (!(doc instanceof Map<?, ?> map) || !map.keySet().stream().allMatch(k -> k instanceof String)) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) map;
        if ("WorkloadCluster".equals(tree.get("kind"))) {
          clusters++;
          assertSame(file + "", tree, WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster");
          assertEquals(partsOutcome(tree, false), partsOutcome(tree, true), file + "");
          if (PlainTreeReader.read(tree.get("spec"), WorkloadClusterSpec.class) != null) {
            direct++;
          }
        } else if ("FleetDefaults".equals(tree.get("kind"))) {
          defaults++;
          assertSame(file + "", tree, FleetDefaults.class, FleetDefaults.API_VERSION, FleetDefaults.KIND);
        } else if ("Release".equals(tree.get("kind"))) {
          releases++;
          assertSame(file + "", tree, Release.class, Release.API_VERSION, "Release");
          if (PlainTreeReader.read(tree.get("spec"), ReleaseSpec.class) != null) {
            releasesDirect++;
          }
          if (file.startsWith(REPO.resolve("releases"))) {
            assertNotNull(PlainTreeReader.read(tree.get("spec"), ReleaseSpec.class), file + ": the direct path");
          }
        }
        if (tree.get("metadata") instanceof Map<?, ?> meta) {
          metadata++;
          assertSame(file + "", meta, ObjectMeta.class);
        }
      }
    }
    assertTrue(clusters >= 5 && defaults >= 3 && metadata >= 50,
        clusters + " WorkloadClusters, " + defaults + " FleetDefaults, " + metadata + " metadata");
    assertTrue(direct * 2 > clusters, "the direct path read " + direct + " of " + clusters + " cluster specs");
    assertTrue(releases >= 15 && releasesDirect * 2 > releases,
        "the direct path read " + releasesDirect + " of " + releases + " release specs");
  }

  @Test
  void theDirectPathTakesPlainTreesAndLeavesTheRestToJackson() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("release", "v1.1.0");
    spec.put("controlPlaneEndpoint", new LinkedHashMap<>(Map.of("host", "api.example", "port", 443)));
    spec.put("variables", new LinkedHashMap<>(Map.of("WORKER_MACHINE_COUNT", 3, "CNI", "cilium", "X", true)));
    WorkloadClusterSpec read = (WorkloadClusterSpec) PlainTreeReader.read(spec, WorkloadClusterSpec.class);
    assertNotNull(read);
    assertEquals("api.example:443", read.getControlPlaneEndpoint().toString());
    assertEquals(3, read.getVariables().get("WORKER_MACHINE_COUNT"));
    for (Object odd : List.of(3L, 1.5, BigInteger.TEN, List.of("a"), Map.of("a", "b"))) {
      Map<String, Object> s = new LinkedHashMap<>(spec);
      s.put("variables", new LinkedHashMap<>(Map.of("V", odd)));
      assertNull(PlainTreeReader.read(s, WorkloadClusterSpec.class), "variables value " + odd);
    }
    Map<String, Object> nullValue = new LinkedHashMap<>(spec);
    nullValue.put("flavor", null);
    assertNull(PlainTreeReader.read(nullValue, WorkloadClusterSpec.class));
    Map<String, Object> unknown = new LinkedHashMap<>(spec);
    unknown.put("replicas", 3);
    assertNull(PlainTreeReader.read(unknown, WorkloadClusterSpec.class));
    assertNull(PlainTreeReader.read(Map.of("name", 5), ObjectMeta.class));
    assertNull(PlainTreeReader.read(Map.of("name", "a", "uid", "u"), ObjectMeta.class));
    assertNull(PlainTreeReader.read(Map.of("labels", Map.of("a", 1)), ObjectMeta.class));
    assertNull(PlainTreeReader.read("not a map", ObjectMeta.class));
    assertEquals(Map.of("a", "b"),
        ((ObjectMeta) PlainTreeReader.read(Map.of("labels", Map.of("a", "b")), ObjectMeta.class)).getLabels());
  }

  @Test
  void randomTreesReadTheSameWithAndWithoutTheDirectPath() {
    Random random = new Random(18);
    int direct = 0;
    int problems = 0;
    for (int i = 0; i < 3000; i++) {
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("apiVersion", WorkloadCluster.API_VERSION);
      tree.put("kind", "WorkloadCluster");
      tree.put("metadata", randomMap(random, List.of("name", "namespace", "labels", "annotations", "uid",
          "generation", "finalizers", "nmae")));
      tree.put("spec", randomMap(random, List.of("release", "flavor", "controlPlaneEndpoint", "variables",
          "relase")));
      if (PlainTreeReader.read(tree.get("spec"), WorkloadClusterSpec.class) != null
          && PlainTreeReader.read(tree.get("metadata"), ObjectMeta.class) != null) {
        direct++;
      }
      if (outcome(tree, WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster", true)
          .startsWith("problems")) {
        problems++;
      }
      assertSame("tree " + i + " " + tree, tree, WorkloadCluster.class, WorkloadCluster.API_VERSION,
          "WorkloadCluster");
      assertEquals(partsOutcome(tree, false), partsOutcome(tree, true), "tree " + i + " " + tree);
      Map<String, Object> d = randomMap(random, List.of("namespace", "variables", "kind", "extra"));
      d.put("apiVersion", FleetDefaults.API_VERSION);
      d.put("kind", FleetDefaults.KIND);
      assertSame("defaults " + i + " " + d, d, FleetDefaults.class, FleetDefaults.API_VERSION, FleetDefaults.KIND);
    }
    assertTrue(direct > 100 && problems > 100, direct + " direct, " + problems + " with problems");
  }

  @Test
  void mutatedReleasesReadTheSameWithAndWithoutTheDirectPath() throws IOException {
    List<Map<String, Object>> bases = new ArrayList<>();
    for (Path file : yamlFiles()) {
      if (file.getFileName().toString().equals("release.yaml")) {
        try {
          bases.add(YamlDocuments.loadOne(file.toString(), Files.readAllBytes(file)));
        } catch (InvalidInputException e) {
          // not one mapping document on purpose
        }
      }
    }
    assertTrue(bases.size() >= 15, bases.size() + " release files");
    Random random = new Random(1818);
    int direct = 0;
    int fallback = 0;
    int problems = 0;
    for (int i = 0; i < 4000; i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = (Map<String, Object>) copy(bases.get(random.nextInt(bases.size())));
      int mutations = random.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        mutate(tree.get(random.nextInt(5) == 0 ? "metadata" : "spec"), random);
      }
      if (PlainTreeReader.read(tree.get("spec"), ReleaseSpec.class) != null) {
        direct++;
      } else {
        fallback++;
      }
      String read = outcome(tree, Release.class, Release.API_VERSION, "Release", true);
      problems += read.startsWith("problems") ? 1 : 0;
      assertEquals(outcome(tree, Release.class, Release.API_VERSION, "Release", false), read, "tree " + i + " " + tree);
    }
    assertTrue(direct > 1000 && fallback > 1000 && problems > 500,
        direct + " direct, " + fallback + " to Jackson, " + problems + " with problems");
  }

  @Test
  void badReleaseSpecsKeepJacksonsProblemsAndFieldPaths() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("components", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("name", "kubernetes",
        "version", "1.33.4")))));
    spec.put("date", "2026-01-01T00:00:00Z");
    spec.put("state", "active");
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("apiVersion", Release.API_VERSION);
    tree.put("kind", "Release");
    tree.put("metadata", new LinkedHashMap<>(Map.of("name", "v1.0.0")));
    tree.put("spec", spec);
    assertNotNull(PlainTreeReader.read(spec, ReleaseSpec.class));
    assertEquals(ReleaseState.ACTIVE, StrictReader.read("r.yaml", tree, Release.class, Release.API_VERSION,
        "Release").getSpec().getState());
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("state=Active", "[f.yaml: spec.state: invalid value \"Active\" for one of [wip, preview, active,"
        + " deprecated]]");
    expected.put("components.0.versoin=1", "[f.yaml: spec.components[0].versoin: unknown field]");
    expected.put("components.0.releaseOperatorDeploy=yes",
        "[f.yaml: spec.components[0].releaseOperatorDeploy: wrong type, expected object (Boolean)]");
    expected.put("apps=x", "[f.yaml: spec.apps: wrong type, expected list]");
    expected.put("chart=x", "[f.yaml: spec.chart: unknown field]");
    // Jackson alone would read these as `preview` (the enum's index) and "20260101"; the API server refuses both.
    expected.put("state=1", "[f.yaml: spec.state: invalid value 1 for one of [wip, preview, active, deprecated]]");
    expected.put("date=20260101", "[f.yaml: spec.date: wrong type, expected string]");
    expected.put("components.0.version=133", "[f.yaml: spec.components[0].version: wrong type, expected string]");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> bad = (Map<String, Object>) copy(tree);
      @SuppressWarnings("unchecked")
      Map<String, Object> s = (Map<String, Object>) bad.get("spec");
      String[] change = e.getKey().split("=");
      Object value = change[1].matches("[0-9]+") ? (Object) Integer.valueOf(change[1]) : change[1];
      String[] path = change[0].split("\\.");
      if (path.length == 1) {
        s.put(path[0], value);
      } else {
        @SuppressWarnings("unchecked")
        Map<String, Object> item = (Map<String, Object>) ((List<Object>) s.get(path[0]))
            .get(Integer.parseInt(path[1]));
        item.put(path[2], value);
      }
      assertNull(PlainTreeReader.read(s, ReleaseSpec.class), e.getKey());
      assertEquals("problems " + e.getValue(), outcome(bad, Release.class, Release.API_VERSION, "Release", true),
          e.getKey());
      assertEquals(outcome(bad, Release.class, Release.API_VERSION, "Release", false),
          outcome(bad, Release.class, Release.API_VERSION, "Release", true), e.getKey());
    }
  }

  // One random change somewhere inside a release tree: a value replaced or removed, an unknown or odd key, a near-miss.
  private static void mutate(Object node, Random r) {
    List<Object> containers = new ArrayList<>();
    collect(node, containers);
    if (containers.isEmpty()) {
      return;
    }
    Object target = containers.get(r.nextInt(containers.size()));
    if (target instanceof List<?> l) {
      @SuppressWarnings("unchecked")
      List<Object> list = (List<Object>) l;
      switch (r.nextInt(4)) {
        case 0 -> list.add(randomValue(r, 1));
        case 1 -> {
          if (!list.isEmpty()) {
            list.remove(r.nextInt(list.size()));
          }
        }
        case 2 -> {
          if (!list.isEmpty()) {
            list.set(r.nextInt(list.size()), randomValue(r, 1));
          }
        }
        default -> {
          if (!list.isEmpty()) {
            list.add(copy(list.get(r.nextInt(list.size()))));
          }
        }
      }
      return;
    }
    @SuppressWarnings("unchecked")
    Map<Object, Object> map = (Map<Object, Object>) target;
    List<Object> keys = new ArrayList<>(map.keySet());
    Object key = keys.isEmpty() ? "name" : keys.get(r.nextInt(keys.size()));
    switch (r.nextInt(8)) {
      case 0 -> map.remove(key);
      case 1 -> map.put(key, randomValue(r, 0));
      case 2 -> map.put(List.of("nmae", "versions", "State", "repo", "extra", "chartName").get(r.nextInt(6)), "v");
      case 3 -> map.put(7, "non-string key");
      case 4 -> map.put("state", List.of("wip", "preview", "active", "deprecated", "Active", "ACTIVE", "active ",
          "", "retired").get(r.nextInt(9)));
      case 5 -> map.put("releaseOperatorDeploy", List.of(true, false, "true", 1, "yes").get(r.nextInt(5)));
      case 6 -> map.put(key, String.valueOf(map.get(key)));
      default -> map.put(List.of("name", "version", "componentVersion", "date", "repository").get(r.nextInt(5)),
          r.nextInt(3) == 0 ? (Object) r.nextInt(10) : "1.2." + r.nextInt(10));
    }
  }

  private static void collect(Object node, List<Object> out) {
    if (node instanceof Map<?, ?> m) {
      out.add(m);
      m.values().forEach(v -> collect(v, out));
    } else if (node instanceof List<?> l) {
      out.add(l);
      l.forEach(v -> collect(v, out));
    }
  }

  private static Object copy(Object node) {
    if (node instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, copy(v)));
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(v -> out.add(copy(v)));
      return out;
    }
    return node;
  }

  private static Map<String, Object> randomMap(Random random, List<String> keys) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : keys) {
      if (HOSTILE_KEYS.contains(key) ? random.nextInt(12) == 0 : random.nextInt(3) != 0) {
        out.put(key, switch (key) {
          case "labels", "annotations", "controlPlaneEndpoint", "variables" -> random.nextInt(12) == 0
              ? randomValue(random, 0) : randomChildren(random, key);
          default -> random.nextInt(12) == 0 ? randomValue(random, 0) : "value-" + random.nextInt(5);
        });
      }
    }
    return out;
  }

  private static Map<Object, Object> randomChildren(Random random, String key) {
    Map<Object, Object> out = new LinkedHashMap<>();
    List<String> names = key.equals("controlPlaneEndpoint") ? List.of("host", "port") : List.of("A", "B", "C", "D");
    for (String name : names) {
      if (random.nextInt(2) == 0) {
        out.put(name, random.nextInt(12) == 0 ? randomValue(random, 1)
            : name.equals("port") ? (Object) (1 + random.nextInt(70000)) : "v" + random.nextInt(9));
      }
    }
    if (random.nextInt(20) == 0) {
      out.put(7, "non-string key");
    }
    if (random.nextInt(20) == 0) {
      out.put("hots", "misspelt");
    }
    return out;
  }

  private static Object randomValue(Random random, int depth) {
    return switch (random.nextInt(depth > 1 ? 9 : 11)) {
      case 0 -> null;
      case 1 -> random.nextInt(100);
      case 2 -> (long) Integer.MAX_VALUE + random.nextInt(100);
      case 3 -> BigInteger.TEN.pow(20);
      case 4 -> random.nextDouble();
      case 5 -> random.nextBoolean();
      case 6 -> "s" + random.nextInt(4);
      case 7 -> "";
      case 8 -> String.valueOf(random.nextInt(100));
      case 9 -> {
        List<Object> list = new ArrayList<>();
        list.add(randomValue(random, depth + 1));
        yield list;
      }
      default -> new LinkedHashMap<>(Map.of("k", String.valueOf(randomValue(random, depth + 1))));
    };
  }

  @Test
  void readPartsGivesWhatReadPutsIntoTheObject() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("apiVersion", WorkloadCluster.API_VERSION);
    tree.put("kind", "WorkloadCluster");
    tree.put("metadata", new LinkedHashMap<>(Map.of("name", "a", "namespace", "org-x")));
    tree.put("spec", new LinkedHashMap<>(Map.of("release", "v1.1.0")));
    List<Map<String, Object>> cases = new ArrayList<>();
    cases.add(tree);
    for (String key : List.of("metadata", "spec", "apiVersion", "kind")) {
      Map<String, Object> without = new LinkedHashMap<>(tree);
      without.remove(key);
      cases.add(without);
    }
    List<Map.Entry<String, Object>> changes = List.of(Map.entry("status", Map.of("ready", true)),
        Map.entry("kind", "Cluster"), Map.entry("extra", 1), Map.entry("metadata", Map.of("name", "a", "uid", 3)),
        Map.entry("spec", Map.of("release", 7)), Map.entry("spec", "text"));
    for (Map.Entry<String, Object> e : changes) {
      Map<String, Object> changed = new LinkedHashMap<>(tree);
      changed.put(e.getKey(), e.getValue());
      cases.add(changed);
    }
    int objects = 0;
    for (Map<String, Object> c : cases) {
      String read = partsOutcome(c, false);
      assertEquals(read, partsOutcome(c, true), c.toString());
      objects += read.startsWith("object ") ? 1 : 0;
    }
    assertTrue(objects >= 3 && objects < cases.size(), objects + " of " + cases.size() + " read");
    StrictReader.Parts<WorkloadClusterSpec, Void> parts = StrictReader.readParts("f.yaml", cases.get(1),
        WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster");
    assertNotNull(parts.metadata(), "no metadata in the tree: an empty one, as a new WorkloadCluster has");
    assertNull(parts.metadata().getName());
  }

  // read's WorkloadCluster and readParts' parts: the same metadata and spec (JSON and Java types), or the same problems.
  private static String partsOutcome(Map<String, Object> tree, boolean viaParts) {
    try {
      if (viaParts) {
        StrictReader.Parts<WorkloadClusterSpec, Void> p = StrictReader.readParts("f.yaml", tree,
            WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster");
        return "object " + describe(p.metadata()) + " " + describe(p.spec()) + " " + p.status();
      }
      WorkloadCluster wc = StrictReader.read("f.yaml", tree, WorkloadCluster.class, WorkloadCluster.API_VERSION,
          "WorkloadCluster");
      return "object " + describe(wc.getMetadata()) + " " + describe(wc.getSpec()) + " " + wc.getStatus();
    } catch (InvalidInputException e) {
      return "problems " + e.problems();
    }
  }

  private static void assertSame(String what, Map<String, Object> tree, Class<?> type, String apiVersion,
                                 String kind) {
    assertEquals(outcome(tree, type, apiVersion, kind, false), outcome(tree, type, apiVersion, kind, true), what);
  }

  private static void assertSame(String what, Map<?, ?> meta, Class<?> type) {
    Object plain = PlainTreeReader.read(meta, type);
    if (plain != null) {
      assertEquals(describe(new ObjectMapper().convertValue(meta, type)), describe(plain), what);
    }
  }

  private static String outcome(Map<String, Object> tree, Class<?> type, String apiVersion, String kind,
                                boolean plain) {
    try {
      return "object " + describe(StrictReader.read("f.yaml", tree, type, apiVersion, kind, plain));
    } catch (InvalidInputException e) {
      return "problems " + e.problems();
    }
  }

  // The JSON of the object and the Java type of every value inside it (Integer and Long print alike).
  private static String describe(Object value) {
    try {
      return JSON.writeValueAsString(value) + " " + types(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String types(Object value) {
    StringBuilder b = new StringBuilder();
    if (value instanceof WorkloadCluster wc) {
      value = wc.getSpec();
    }
    if (value instanceof Release r) {
      value = r.getSpec();
    }
    if (value instanceof ReleaseSpec s) {
      walk(s.getApps(), b);
      walk(s.getComponents(), b);
      if (s.getApps() != null) {
        s.getApps().forEach(a -> walk(a == null ? null : a.getChart(), b));
      }
      if (s.getComponents() != null) {
        s.getComponents().forEach(c -> walk(c == null ? null : c.getReleaseOperatorDeploy(), b));
      }
    }
    if (value instanceof WorkloadClusterSpec s) {
      walk(s.getVariables(), b);
    } else if (value instanceof FleetDefaults d) {
      walk(d.getVariables(), b);
    } else if (value instanceof ObjectMeta m) {
      walk(m.getLabels(), b);
      walk(m.getAnnotations(), b);
      walk(m.getAdditionalProperties(), b);
    }
    return b.toString();
  }

  private static void walk(Object value, StringBuilder b) {
    b.append(value == null ? "null" : value.getClass().getSimpleName()).append(' ');
    if (value instanceof Map<?, ?> m) {
      m.values().forEach(v -> walk(v, b));
    } else if (value instanceof List<?> l) {
      l.forEach(v -> walk(v, b));
    }
  }

  private static List<Path> yamlFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(REPO, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName().toString();
        return dir.equals(REPO) || !(name.equals("target") || name.startsWith(".") || name.equals("node_modules"))
            ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && (file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))) {
          out.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    out.sort(null);
    return out;
  }
}
