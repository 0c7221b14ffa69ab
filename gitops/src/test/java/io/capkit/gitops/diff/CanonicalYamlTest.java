package io.capkit.gitops.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.source.DirectoryTree;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.gitops.testing.FleetText;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.Renderer;
import io.capkit.testsupport.CrdSources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Dump;

/** The direct writer against snakeyaml's dump, byte for byte, wherever it writes anything itself. */
class CanonicalYamlTest {
  private static final List<String> STRINGS = List.of("", "x", "a-b", "v1.2.3", "1.17.8", "123", "-5", "0", "007",
      "1.5", "1e5", "1E5", ".5", "0x1F", "0o17", "true", "True", "TRUE", "false", "yes", "Yes", "no", "on", "off",
      "null", "Null", "NULL", "~", "a:", "a:b", "https://a.example/b:c", "a b", " a", "a ", "-", "-a", "a-", ".a",
      "...", "---", "a#b", "a #b", "#a", "'q'", "\"q\"", "é", "a\nb", "a\n", "{a}", "[a]", "a,b", "*a", "&a", "!a",
      "%a", "@a", "`a", "|", ">", "?", "?a", ":a", "/etc/kubernetes/pki", "_x", "10.0.0.0/16", "a".repeat(99),
      "a".repeat(100), "a".repeat(101), "a".repeat(130), "NaN", ".nan", ".inf", "-.inf", "+1", "1_000", "2024-01-01",
      "x\u0085y", "\t", "a\tb", "kvm://{{ ds.meta_data.instance_id }}", "a: b", "a:  b", "- a", "a - b", "a  b",
      "é b", "a\u0001b", "\u2028", "\ud83d\ude00 x", "\ud800", "\ufeff", "a'b", "a\"b", "a\\b", "{{ x }}", "[a, b]",
      "a, b", "x: y: z", "% a", "a\r\nb", "a\n\nb", "  ", "a\u007fb", "x".repeat(200) + " y", "'", "\"");

  @Test
  void renderedFleetsAreWrittenDirectlyAndAsSnakeyamlDoes() {
    Renderer renderer = Renderer.standard();
    List<SortedMap<String, byte[]>> outputs = List.of(
        OutputLayout.files(renderer.render(FleetText.of(2, 2, 3, 11).tree(),
            FleetText.tree("r", FleetText.checkedInReleases())).clusters()),
        OutputLayout.files(renderer.render(DirectoryTree.open(CrdSources.repoRoot().resolve("fleet-repo-example")),
            DirectoryTree.open(CrdSources.repoRoot().resolve("releases"))).clusters()));
    int objects = 0;
    int direct = 0;
    for (SortedMap<String, byte[]> files : outputs) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        if (!f.getKey().endsWith(".yaml")) {
          continue;
        }
        for (Object doc : YamlDocuments.loadAll(f.getKey(), f.getValue())) {
          objects++;
          String expected = new Dump(CanonicalYaml.SETTINGS).dumpToString(doc);
          assertEquals(expected, CanonicalYaml.dump(doc), f.getKey());
          if (CanonicalYaml.fast(doc).isPresent()) {
            direct++;
          }
        }
      }
    }
    assertTrue(objects > 100, objects + " objects");
    // Most rendered objects need snakeyaml for nothing; the rest still come out the same through it.
    assertTrue(direct * 2 > objects, direct + " of " + objects + " written directly");
  }

  @Test
  void randomDataIsWrittenAsSnakeyamlDoes() {
    Random r = new Random(18);
    int direct = 0;
    for (int i = 0; i < 20_000; i++) {
      Object data = r.nextInt(10) == 0 ? list(r, 0) : map(r, 0);
      String expected = new Dump(CanonicalYaml.SETTINGS).dumpToString(data);
      if (CanonicalYaml.fast(data).isPresent()) {
        direct++;
        assertEquals(expected, CanonicalYaml.fast(data).get(), () -> "for " + data);
      }
      assertEquals(expected, CanonicalYaml.dump(data));
    }
    assertTrue(direct > 1000, direct + " written directly");
  }

  @Test
  void aCollectionMetTwiceIsLeftToSnakeyaml() {
    List<Object> shared = new ArrayList<>(List.of("a"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("one", shared);
    m.put("two", shared);
    assertFalse(CanonicalYaml.fast(m).isPresent());
    // snakeyaml writes an anchor and an alias for it (numbered by a counter in the shared settings).
    assertTrue(CanonicalYaml.dump(m).matches("(?s)one: &id\\d+\n- a\ntwo: \\*id\\d+\n"), CanonicalYaml.dump(m));
  }

  private static Map<String, Object> map(Random r, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      // Mostly simple keys, so that whole objects take the direct path often enough to be checked.
      String key = r.nextInt(4) == 0 ? pick(r) : "k" + r.nextInt(20);
      m.put(key, value(r, depth + 1));
    }
    return m;
  }

  private static List<Object> list(Random r, int depth) {
    List<Object> l = new ArrayList<>();
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      l.add(value(r, depth + 1));
    }
    return l;
  }

  private static Object value(Random r, int depth) {
    int k = r.nextInt(depth > 4 ? 7 : 10);
    return switch (k) {
      case 0 -> null;
      case 1 -> r.nextBoolean();
      case 2 -> r.nextInt(2001) - 1000;
      case 3 -> r.nextLong();
      case 4, 5 -> r.nextInt(3) == 0 ? pick(r) : "v" + r.nextInt(100);
      case 6 -> r.nextInt(20) == 0 ? 1.5 : "s-" + r.nextInt(9) + "." + r.nextInt(9);
      case 7, 8 -> map(r, depth);
      default -> list(r, depth);
    };
  }

  private static String pick(Random r) {
    return STRINGS.get(r.nextInt(STRINGS.size()));
  }
}
