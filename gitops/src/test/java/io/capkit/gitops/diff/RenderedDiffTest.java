package io.capkit.gitops.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RenderedDiffTest {
  private static SortedMap<String, byte[]> files(String... pathAndText) {
    SortedMap<String, byte[]> m = new TreeMap<>();
    for (int i = 0; i < pathAndText.length; i += 2) {
      m.put(pathAndText[i], pathAndText[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  private static String cm(String name, String value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: ns\ndata:\n  a: \"1\"\n"
        + "  b: \"2\"\n  c: \"3\"\n  d: \"4\"\n  value: " + value + "\n  z: \"26\"\n";
  }

  @Test
  void reportsAddedRemovedAndChangedObjectsPerClusterWithAUnifiedDiff() {
    SortedMap<String, byte[]> before = files(
        "mc/wc1/objects.yaml", cm("one", "old") + "---\n" + cm("gone", "x"),
        "mc/wc2/objects.yaml", cm("same", "x"));
    SortedMap<String, byte[]> after = files(
        "mc/wc1/objects.yaml", cm("one", "new") + "---\n" + cm("fresh", "y"),
        // Layout changes alone (another file, flow style) are not changes.
        "mc/wc2/other.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: same, namespace: ns}, data: "
            + "{a: '1', b: '2', c: '3', d: '4', value: x, z: '26'}}\n",
        "mc/wc3/objects.yaml", cm("new-cluster", "z"));
    FleetDiff diff = RenderedDiff.compare(before, after);
    assertEquals("cluster mc/wc1\n"
        + "  + v1/ConfigMap/ns/fresh\n"
        + "  - v1/ConfigMap/ns/gone\n"
        + "  ~ v1/ConfigMap/ns/one\n"
        + "      --- a/v1/ConfigMap/ns/one\n"
        + "      +++ b/v1/ConfigMap/ns/one\n"
        + "      @@ -8,5 +8,5 @@\n"
        + "         b: '2'\n"
        + "         c: '3'\n"
        + "         d: '4'\n"
        + "      -  value: old\n"
        + "      +  value: new\n"
        + "         z: '26'\n"
        + "cluster mc/wc3\n"
        + "  + v1/ConfigMap/ns/new-cluster\n"
        + "2 clusters changed: 2 objects added, 1 removed, 1 changed\n", diff.format());
    assertEquals(diff.format(), RenderedDiff.compare(before, after).format());
  }

  @Test
  void equalOutputsHaveNoChangesAndDuplicatesAreProblems() {
    SortedMap<String, byte[]> same = files("a/x.yaml", cm("one", "v"));
    FleetDiff none = RenderedDiff.compare(same, same);
    assertTrue(none.isEmpty());
    assertEquals("no changes\n", none.format());
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> RenderedDiff.compare(same,
        files("a/x.yaml", cm("one", "v"), "a/y.yaml", cm("one", "w"))));
    assertEquals("a/y.yaml: v1/ConfigMap/ns/one is also in a/x.yaml", e.getMessage());
  }

  /**
   * What compare did before it streamed folder by folder: both sides parsed whole (changed folders only), then
   * compared cluster by cluster; the reference for the randomized test below.
   */
  private static String wholeSides(SortedMap<String, byte[]> before, SortedMap<String, byte[]> after) {
    java.util.Set<String> changed = new java.util.HashSet<>();
    java.util.Set<String> paths = new java.util.TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    for (String p : paths) {
      if (!java.util.Arrays.equals(before.get(p), after.get(p))) {
        changed.add(RenderedObjects.cluster(p));
      }
    }
    java.util.function.Function<SortedMap<String, byte[]>, SortedMap<String, byte[]>> in = m -> {
      SortedMap<String, byte[]> out = new TreeMap<>();
      m.forEach((p, b) -> {
        if (changed.contains(RenderedObjects.cluster(p))) {
          out.put(p, b);
        }
      });
      return out;
    };
    var a = RenderedObjects.parse(in.apply(before));
    var b = RenderedObjects.parse(in.apply(after));
    StringBuilder out = new StringBuilder();
    java.util.TreeSet<String> clusters = new java.util.TreeSet<>(a.keySet());
    clusters.addAll(b.keySet());
    for (String c : clusters) {
      var oa = a.getOrDefault(c, new TreeMap<>());
      var ob = b.getOrDefault(c, new TreeMap<>());
      java.util.TreeSet<ObjectKey> keys = new java.util.TreeSet<>(oa.keySet());
      keys.addAll(ob.keySet());
      for (ObjectKey k : keys) {
        var x = oa.get(k);
        var y = ob.get(k);
        if (x == null || y == null || !java.util.Objects.equals(x.data(), y.data())) {
          out.append(c).append(' ').append(x == null ? "+" : y == null ? "-" : "~").append(' ').append(k).append('\n');
          if (x != null && y != null) {
            out.append(UnifiedDiff.of(k.toString(), new org.snakeyaml.engine.v2.api.Dump(CanonicalYaml.SETTINGS)
                .dumpToString(x.data()), new org.snakeyaml.engine.v2.api.Dump(CanonicalYaml.SETTINGS)
                .dumpToString(y.data())));
          }
        }
      }
    }
    return out.toString();
  }

  private static String flat(FleetDiff d) {
    StringBuilder out = new StringBuilder();
    for (FleetDiff.ClusterChanges c : d.clusters()) {
      for (FleetDiff.ObjectChange o : c.changes()) {
        out.append(c.cluster()).append(' ').append(switch (o.type()) {
          case ADDED -> "+";
          case REMOVED -> "-";
          case CHANGED -> "~";
        }).append(' ').append(o.key()).append('\n').append(o.diff());
      }
    }
    return out.toString();
  }

  @Test
  void folderByFolderEqualsParsingWholeSidesOnRandomEdits() {
    java.util.Random r = new java.util.Random(7);
    for (int round = 0; round < 200; round++) {
      SortedMap<String, byte[]> before = new TreeMap<>();
      SortedMap<String, byte[]> after = new TreeMap<>();
      for (int c = 0; c < 6; c++) {
        String folder = c == 5 ? "" : "mc/wc" + c + "/";
        for (int f = 0; f < 2; f++) {
          StringBuilder x = new StringBuilder();
          StringBuilder y = new StringBuilder();
          for (int o = 0; o < 3; o++) {
            String name = "o" + c + f + o;
            if (r.nextInt(8) != 0) {
              x.append(x.isEmpty() ? "" : "---\n").append(cm(name, "v" + r.nextInt(3)));
            }
            if (r.nextInt(8) != 0) {
              // Sometimes the same object elsewhere, or in flow style: the same data in other bytes.
              String text = r.nextInt(10) == 0 ? "{apiVersion: v1, kind: ConfigMap, metadata: {name: " + name
                  + ", namespace: ns}}\n" : cm(name, "v" + r.nextInt(3));
              y.append(y.isEmpty() ? "" : "---\n").append(text);
            }
          }
          String file = folder + (f == 0 ? "a.yaml" : "b.yaml");
          if (!x.isEmpty()) {
            before.put(file, x.toString().getBytes(StandardCharsets.UTF_8));
          }
          if (!y.isEmpty()) {
            after.put(file, y.toString().getBytes(StandardCharsets.UTF_8));
          }
        }
        if (r.nextInt(4) == 0) {
          after.put(folder + "notes.txt", ("round " + round).getBytes(StandardCharsets.UTF_8));
        }
      }
      assertEquals(wholeSides(before, after), flat(RenderedDiff.compare(before, after)), "round " + round);
    }
  }

  @Test
  void problemsComeAsFromParsingEachSideInPathOrder() {
    SortedMap<String, byte[]> before = files("a/x.yaml", cm("one", "v"), "b/x.yaml", "a: [\n", "c/x.yaml",
        "b: {\n");
    SortedMap<String, byte[]> after = files("a/x.yaml", "c: [\n", "b/x.yaml", cm("two", "v"), "c/x.yaml",
        cm("three", "w"));
    // The old side's first unreadable file in path order, although the new side's comes earlier.
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> RenderedDiff.compare(before, after));
    assertTrue(e.getMessage().startsWith("b/x.yaml"), e.getMessage());
    // Duplicates of the old side, all of them, before anything of the new side.
    SortedMap<String, byte[]> dup = files("a/x.yaml", cm("one", "v"), "a/y.yaml", cm("one", "w"), "b/x.yaml",
        cm("two", "v"), "b/y.yaml", cm("two", "w"));
    InvalidInputException d = assertThrows(InvalidInputException.class, () -> RenderedDiff.compare(dup, after));
    assertEquals(2, d.problems().size(), d.getMessage());
    assertTrue(d.problems().get(0).file().equals("a/y.yaml") && d.problems().get(1).file().equals("b/y.yaml"),
        d.getMessage());
  }

  @Test
  void markdownIsCutToTheLimit() {
    FleetDiff diff = RenderedDiff.compare(files("a/x.yaml", cm("one", "v")), files("a/x.yaml", cm("one", "w")));
    String md = diff.markdown(400);
    assertTrue(md.length() <= 400, md);
    assertTrue(md.startsWith("**Rendered changes:** 1 cluster changed: 0 objects added, 0 removed, 1 changed"), md);
  }
}
