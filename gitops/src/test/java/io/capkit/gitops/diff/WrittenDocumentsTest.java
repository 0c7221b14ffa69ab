package io.capkit.gitops.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.gitops.testing.FleetText;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.Renderer;
import io.capkit.renderer.yaml.Placeholder;
import io.capkit.renderer.yaml.YamlWriter;
import io.capkit.testsupport.CrdSources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The data taken from the writer's documents against the reader on the bytes the writer wrote, value and type. */
@SuppressWarnings("unchecked")
class WrittenDocumentsTest {
  private static final List<String> STRINGS = List.of("", "x", "a-b", "v1.2.3", "1.17.8", "123", "-5", "0", "007",
      "1.5", "1e5", "1E5", ".5", "0x1F", "0o17", "true", "True", "TRUE", "false", "yes", "Yes", "no", "y", "n", "on",
      "off", "null", "Null", "NULL", "~", "a:", "a:b", "https://a.example/b:c", "a b", " a", "a ", "-", "-a", "a-",
      ".a", "...", "---", "--- a", "a#b", "a #b", "#a", "'q'", "\"q\"", "\\", "\\n", "a\nb", "a\n", "\n", "{a}", "[a]",
      "a,b", "*a", "&a", "!a", "%a", "@a", "`a", "|", ">", "?", "?a", ":a", "<<", "=", "/etc/kubernetes/pki", "_x",
      "10.0.0.0/16", "a".repeat(300), "NaN", ".nan", ".inf", "-.inf", "+1", "1_000", "2024-01-01", "\t", "a\tb",
      // Outside printable ASCII: never taken from the documents (the bytes are read instead).
      "é", "x\u0085y", "a\rb", "\u2028", "\ud83d\ude00", "\ud800", "\u0000", "\ufeff");

  /** Whether {@code data(documents)}, when given, equals what the reader reads from the written bytes. */
  private static boolean check(List<Map<String, Object>> documents, String what) {
    byte[] bytes = YamlWriter.writeAllUtf8(OutputLayout.HEADER, documents);
    Optional<List<Object>> data = WrittenDocuments.data(documents, bytes.length);
    if (data.isEmpty()) {
      return false;
    }
    List<Object> read;
    try {
      read = YamlDocuments.loadAll("f.yaml", bytes);
    } catch (InvalidInputException e) {
      throw new AssertionError(what + ": taken from the documents, but the reader refuses the bytes: "
          + e.getMessage());
    }
    assertSame(read, data.get(), what);
    if (WrittenDocuments.standForTheirData(documents, bytes.length)) {
      for (int i = 0; i < documents.size(); i++) {
        assertTrue(WrittenDocuments.same(documents.get(i), read.get(i)), what);
        assertTrue(WrittenDocuments.same(read.get(i), documents.get(i)), what);
      }
    }
    return true;
  }

  @Test
  void documentsThatStandForTheirDataCompareAsTheirDataDo() {
    Random r = new Random(81);
    int standing = 0;
    int equal = 0;
    for (int i = 0; i < 5_000; i++) {
      Map<String, Object> a = map(r, 0);
      // Another document: the same with its numbers retyped (a Long that fits and an Integer read back alike), then
      // perhaps one value changed somewhere.
      Map<String, Object> b = (Map<String, Object>) retype(a, r);
      if (r.nextBoolean()) {
        b = (Map<String, Object>) mutate(b, r);
      }
      Optional<List<Object>> da = WrittenDocuments.data(List.of(a), 100);
      Optional<List<Object>> db = WrittenDocuments.data(List.of(b), 100);
      boolean sa = WrittenDocuments.standForTheirData(List.of(a), 100);
      boolean sb = WrittenDocuments.standForTheirData(List.of(b), 100);
      assertTrue(!sa || da.isPresent(), "standing implies certain: " + a);
      if (da.isEmpty() || db.isEmpty()) {
        continue;
      }
      boolean expected = da.get().equals(db.get());
      equal += expected ? 1 : 0;
      if (sa) {
        standing++;
        assertEquals(expected, WrittenDocuments.same(a, db.get().get(0)), a + " / " + b);
        assertEquals(expected, WrittenDocuments.same(db.get().get(0), a), a + " / " + b);
        if (sb) {
          assertEquals(expected, WrittenDocuments.same(a, b), a + " / " + b);
        }
      }
    }
    assertTrue(standing > 1_000, standing + " documents stand for their data");
    assertTrue(equal > 500 && equal < standing, equal + " equal pairs");
  }

  // `v` with each Integer or Long that fits an int turned into the other type at random; new collections.
  private static Object retype(Object v, Random r) {
    if (v instanceof Integer i) {
      return r.nextBoolean() ? (Object) (long) i : i;
    }
    if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return r.nextBoolean() ? (Object) (int) (long) l : l;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, retype(x, r)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(retype(x, r)));
      return out;
    }
    return v;
  }

  // `v` with one value somewhere replaced, added or removed.
  @SuppressWarnings("unchecked")
  private static Object mutate(Object v, Random r) {
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      Map<Object, Object> out = new LinkedHashMap<>((Map<Object, Object>) m);
      List<Object> keys = new ArrayList<>(out.keySet());
      Object k = keys.get(r.nextInt(keys.size()));
      switch (r.nextInt(4)) {
        case 0 -> out.put(k, value(r, 3));
        case 1 -> out.put("k" + r.nextInt(30), value(r, 3));
        case 2 -> out.put(k, mutate(out.get(k), r));
        default -> {
          if (out.size() > 1) {
            out.remove(k);
          }
        }
      }
      return out;
    }
    if (v instanceof List<?> l && !l.isEmpty()) {
      List<Object> out = new ArrayList<>(l);
      int i = r.nextInt(out.size());
      out.set(i, r.nextBoolean() ? value(r, 3) : mutate(out.get(i), r));
      return out;
    }
    return value(r, 3);
  }

  // Equal values of the same classes, maps in the same order (a canonical dump follows the order).
  private static void assertSame(Object expected, Object actual, String what) {
    assertEquals(expected, actual, what);
    if (expected == null) {
      return;
    }
    assertEquals(expected.getClass(), actual.getClass(), what + ": " + expected);
    if (expected instanceof Map<?, ?> m) {
      List<?> ek = new ArrayList<>(m.keySet());
      List<?> ak = new ArrayList<>(((Map<?, ?>) actual).keySet());
      assertEquals(ek, ak, what);
      for (Object k : ek) {
        if (k != null) {
          assertEquals(k.getClass(), ak.get(ek.indexOf(k)).getClass(), what + ": key " + k);
        }
        assertSame(m.get(k), ((Map<?, ?>) actual).get(k), what);
      }
    } else if (expected instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        assertSame(l.get(i), ((List<?>) actual).get(i), what);
      }
    }
  }

  @Test
  void randomDocumentsReadBackAsTheReaderReadsTheirBytes() {
    Random r = new Random(18);
    int taken = 0;
    int rounds = 5_000;
    for (int i = 0; i < rounds; i++) {
      List<Map<String, Object>> docs = new ArrayList<>();
      int n = 1 + r.nextInt(3);
      for (int d = 0; d < n; d++) {
        docs.add(map(r, 0));
      }
      taken += check(docs, "round " + i + ": " + docs) ? 1 : 0;
    }
    // Some documents hold a string that is not printable ASCII, or an empty map at the top; most do not.
    assertTrue(taken > rounds / 3, taken + " of " + rounds + " taken from the documents");
  }

  @Test
  void renderedFleetsReadBackFromTheirObjects() {
    Renderer renderer = Renderer.standard();
    FleetRenderer objects = FleetRenderer.of(() -> renderer);
    List<SourceTree[]> fleets = List.of(
        new SourceTree[] {FleetText.of(2, 2, 3, 11).tree(), FleetText.tree("r", FleetText.checkedInReleases())},
        new SourceTree[] {DirectoryTree.open(CrdSources.repoRoot().resolve("fleet-repo-example")),
            DirectoryTree.open(CrdSources.repoRoot().resolve("releases"))});
    int files = 0;
    int kustomizations = 0;
    for (SourceTree[] fleet : fleets) {
      FleetRenderer.Prepared prepared = objects.prepare(fleet[0], fleet[1]);
      Map<String, RenderedOutput> parts = new java.util.concurrent.ConcurrentHashMap<>();
      prepared.renderClusters(prepared.clusterFolders(), parts::put);
      assertEquals(prepared.clusterFolders(), parts.keySet());
      // The parts and the shared files are the rendering, byte for byte.
      java.util.SortedMap<String, byte[]> assembled = new java.util.TreeMap<>(prepared.shared().files());
      parts.values().forEach(p -> assembled.putAll(p.files()));
      java.util.SortedMap<String, byte[]> whole = OutputLayout.files(renderer.render(fleet[0], fleet[1]).clusters());
      assertEquals(whole.keySet(), assembled.keySet());
      whole.forEach((path, bytes) -> assertEquals(new String(bytes), new String(assembled.get(path)), path));
      for (RenderedOutput out : parts.values()) {
        for (Map.Entry<String, List<? extends Map<String, ?>>> e : out.documents().entrySet()) {
          byte[] bytes = out.files().get(e.getKey());
          assertTrue(e.getKey().endsWith("/" + OutputLayout.MANIFESTS) || e.getKey().endsWith("/"
              + OutputLayout.KUSTOMIZATION), e.getKey());
          assertEquals(new String(YamlWriter.writeAllUtf8(OutputLayout.HEADER, e.getValue())), new String(bytes),
              "the documents are what " + e.getKey() + " was written from");
          Optional<List<Object>> data = WrittenDocuments.data(e.getValue(), bytes.length);
          assertTrue(data.isPresent(), "every rendered cluster is taken from its objects: " + e.getKey());
          assertSame(YamlDocuments.loadAll(e.getKey(), bytes), data.get(), e.getKey());
          assertTrue(WrittenDocuments.standForTheirData(e.getValue(), bytes.length), "compared as written: "
              + e.getKey());
          files++;
          kustomizations += e.getKey().endsWith("/" + OutputLayout.KUSTOMIZATION) ? 1 : 0;
        }
      }
    }
    assertTrue(files > 24, files + " cluster files");
    assertTrue(kustomizations > 12, kustomizations + " cluster kustomization files");
  }

  @Test
  void whatIsNotCertainIsReadFromTheBytes() {
    assertFalse(check(List.of(new LinkedHashMap<>()), "an empty document is written as nothing"));
    Map<String, Object> placeholder = new LinkedHashMap<>(Map.of("count", Placeholder.of("WORKER_MACHINE_COUNT", 3)));
    assertFalse(check(List.of(placeholder), "a placeholder is text the reader decides"));
    Map<String, Object> nonAscii = new LinkedHashMap<>(Map.of("name", "café"));
    assertFalse(check(List.of(nonAscii), "non-ASCII"));
    // Integer 1 and Long 1 are both written "1": a duplicate key once read.
    Map<Object, Object> twice = new LinkedHashMap<>();
    twice.put(1, "a");
    twice.put(1L, "b");
    @SuppressWarnings("unchecked")
    Map<String, Object> dup = (Map<String, Object>) (Map<?, ?>) twice;
    assertFalse(WrittenDocuments.data(List.of(Map.of("m", dup)), 10).isPresent());
    Map<String, Object> deep = new LinkedHashMap<>();
    Map<String, Object> at = deep;
    for (int i = 0; i < YamlDocuments.MAX_DEPTH + 5; i++) {
      Map<String, Object> next = new LinkedHashMap<>();
      at.put("k", next);
      at = next;
    }
    at.put("k", 1);
    assertFalse(WrittenDocuments.data(List.of(deep), 1000).isPresent(), "nesting near the reader's limit");
    assertFalse(WrittenDocuments.data(List.of(Map.of("a", 1)), YamlDocuments.MAX_CHARS).isPresent(), "a huge file");
    assertTrue(check(List.of(new LinkedHashMap<>(Map.of("a", Long.MAX_VALUE)),
        new LinkedHashMap<>(Map.of("b", 5L, "c", -7L))), "longs"));
  }

  private static Map<String, Object> map(Random r, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = depth == 0 ? 1 + r.nextInt(5) : r.nextInt(5);
    for (int i = 0; i < n; i++) {
      m.put(r.nextInt(4) == 0 ? STRINGS.get(r.nextInt(STRINGS.size())) : "k" + r.nextInt(20), value(r, depth + 1));
    }
    return m;
  }

  private static Object value(Random r, int depth) {
    int pick = r.nextInt(depth > 4 ? 6 : 9);
    return switch (pick) {
      case 0 -> null;
      case 1 -> r.nextBoolean();
      case 2 -> r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(100) - 50;
      case 3 -> r.nextInt(3) == 0 ? r.nextLong() : (long) (r.nextInt(100) - 50);
      case 4, 5 -> STRINGS.get(r.nextInt(STRINGS.size()));
      case 6, 7 -> map(r, depth);
      default -> {
        List<Object> l = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          l.add(value(r, depth + 1));
        }
        yield l;
      }
    };
  }
}
