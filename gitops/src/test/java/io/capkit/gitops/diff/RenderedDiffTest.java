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

  @Test
  void markdownIsCutToTheLimit() {
    FleetDiff diff = RenderedDiff.compare(files("a/x.yaml", cm("one", "v")), files("a/x.yaml", cm("one", "w")));
    String md = diff.markdown(400);
    assertTrue(md.length() <= 400, md);
    assertTrue(md.startsWith("**Rendered changes:** 1 cluster changed: 0 objects added, 0 removed, 1 changed"), md);
  }
}
