package io.capkit.api.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fast path for small block-mapping files gives exactly what the full reader gives (same values, same Java types,
 * same order) or steps aside; errors always come from the full reader.
 */
class SimpleBlockYamlTest {
  private static final List<String> VALUES = List.of("4GB", "8Gi", "10.101.0.0/16", "mc-0.capkit.example", "external",
      "v1.2.0", "3", "-3", "0", "012", "0x1F", "0o17", "1e3", "1.5", ".5", "-.5", ".inf", "-.inf", ".nan", "true",
      "True", "TRUE", "false", "yes", "no", "on", "off", "y", "n", "null", "Null", "NULL", "~", "", "a b", "a  b",
      "a #c", "a#b", "1_000", "+1", "-", "--x", "-x", "a:b", "a: b", "'q'", "\"q\"", "[1]", "{}", "&a x", "*a", "!t x",
      "|", "> x", "a,b", "%x", "@x", "`x", "1.0.0", "2026-01-01", "12:30", "x\ty", "\u00e9t\u00e9", "1 ", "a\r",
      "99999999999", "999999999999999999999", "-0", "0.0", "1E5", "_x", "/p", "x+y", "4 GB # size");
  private static final List<String> KEYS = List.of("a", "B_C", "x.y/z", "true", "1", "null", "-k", "k k", "_u");

  private static List<String> corpus() {
    List<String> docs = new ArrayList<>();
    for (String v : VALUES) {
      for (String k : KEYS) {
        docs.add(k + ": " + v + "\n");
      }
      docs.add("# header\napiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata:\n  name: wc-1\n"
          + "spec:\n  release: v1.2.0\n  variables:\n    X: " + v + "\n    Y: 2   # two\n\n  flavor: kvm\n");
      docs.add("outer:\n  inner: " + v + "\n  empty:\n  deep:\n    deeper:\n      x: " + v + "\nlast: " + v + "\n");
      docs.add("a:\n  b: " + v + "\n c: 1\n");
      docs.add("a: " + v + "\n  b: 1\n");
      docs.add("a: 1\na: " + v + "\n");
      docs.add("a:\n  b: 1\n  b: " + v + "\n");
      docs.add("---\na: " + v + "\n");
      docs.add("a: " + v);
      docs.add("  a: " + v + "\n");
      docs.add("a:\n- " + v + "\n");
      docs.add("\ufeffa: " + v + "\n");
    }
    docs.add("");
    docs.add("# only a comment\n");
    docs.add("a:\n");
    docs.add("a:\n\n# c\nb:\n");
    return docs;
  }

  private static Object full(String text) {
    try {
      List<Object> docs = YamlDocuments.loadAllFull("f", text);
      return docs.size() == 1 ? docs.get(0) : "documents: " + docs.size();
    } catch (InvalidInputException e) {
      return e;
    }
  }

  // Equal values of equal classes, all the way down (Integer 1 and Long 1 are not the same value here).
  private static void assertSameTree(Object expected, Object actual, String where) {
    assertEquals(expected == null ? null : expected.getClass(), actual == null ? null : actual.getClass(), where);
    if (expected instanceof Map<?, ?> e) {
      Map<?, ?> a = (Map<?, ?>) actual;
      assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()), where + ": keys in order");
      e.forEach((k, v) -> assertSameTree(v, a.get(k), where + "." + k));
    } else {
      assertEquals(expected, actual, where);
    }
  }

  @Test
  void whatTheFastPathReadsTheFullReaderReadsTheSame() {
    int taken = 0;
    int stepped = 0;
    for (String doc : corpus()) {
      Map<String, Object> fast = SimpleBlockYaml.load(doc);
      if (fast == null) {
        stepped++;
        continue;
      }
      taken++;
      Object full = full(doc);
      assertTrue(full instanceof Map<?, ?>, "the fast path read what the full reader refuses: " + doc + " → " + full);
      assertSameTree(full, fast, doc);
    }
    assertTrue(taken > 300, "the fast path takes the usual fleet files: " + taken);
    assertTrue(stepped > 300, "and steps aside for the rest: " + stepped);
  }

  /** {@link YamlDocuments#loadAll} takes the fast path where it can: every text reads as the full reader reads it. */
  @Test
  void loadAllGivesWhatTheFullReaderGives() {
    int fast = 0;
    for (String doc : corpus()) {
      List<Object> full;
      try {
        full = YamlDocuments.loadAllFull("f.yaml", doc);
      } catch (InvalidInputException e) {
        InvalidInputException same = assertThrows(InvalidInputException.class, () -> YamlDocuments.loadAll("f.yaml", doc),
            doc);
        assertEquals(e.problems(), same.problems(), doc);
        continue;
      }
      List<Object> read = YamlDocuments.loadAll("f.yaml", doc);
      assertEquals(full, read, doc);
      if (SimpleBlockYaml.load(doc) != null) {
        fast++;
        assertSameTree(full.get(0), read.get(0), doc); // the same classes too (string keys only on this path)
      }
      read.add("a list the caller may change, as the full reader's");
    }
    assertTrue(fast > 300, "texts the fast path reads: " + fast);
  }

  @Test
  void aTypicalFleetFileTakesTheFastPath() {
    String cluster = """
        # Production in Europe.
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata:
          name: prod-eu
        spec:
          release: v1.2.0
          variables:
            WORKER_MACHINE_COUNT: 6
            POD_IP_RANGE: 10.101.0.0/16
        """;
    Map<String, Object> fast = SimpleBlockYaml.load(cluster);
    assertNotNull(fast);
    assertSameTree(full(cluster), fast, "cluster");
    assertEquals(6, ((Map<?, ?>) ((Map<?, ?>) fast.get("spec")).get("variables")).get("WORKER_MACHINE_COUNT"));
  }

  @Test
  void errorsComeFromTheFullReader() {
    assertNull(SimpleBlockYaml.load("a: 1\nb: 2\na: 3\n"), "a duplicate key steps aside");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> YamlDocuments.loadOne("f.yaml", "a: 1\nb: 2\na: 3\n"));
    assertTrue(e.getMessage().startsWith("f.yaml: line 3, column 1: malformed YAML: "), e.getMessage());
    assertNull(SimpleBlockYaml.load("true: 1\n"), "a key that is not a string steps aside");
    InvalidInputException keys = assertThrows(InvalidInputException.class,
        () -> YamlDocuments.loadOne("f.yaml", "true: 1\n"));
    assertEquals("f.yaml: true: keys must be strings", keys.getMessage());
  }
}
