package io.capkit.api.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.api.fleet.WorkloadCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlDocumentsTest {
  private static String err(Runnable r) {
    return assertThrows(InvalidInputException.class, r::run).getMessage();
  }

  @Test
  void rejectsDuplicateKeys() {
    String m = err(() -> YamlDocuments.loadOne("a.yaml", "a: 1\na: 2\n"));
    assertTrue(m.startsWith("a.yaml: line 2, column 1: malformed YAML: found duplicate key a"), m);
  }

  @Test
  void rejectsAliasBombs() {
    StringBuilder b = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
    for (int i = 0; i < 60; i++) {
      b.append("k").append(i).append(": &a").append(i).append(" [*a,*a,*a,*a]\n");
    }
    String m = err(() -> YamlDocuments.loadOne("bomb.yaml", b.toString()));
    assertEquals("bomb.yaml: line 1, column 4: anchors (&a) are not allowed: write the value out", m);
  }

  @Test
  void rejectsAliasesAndDeepNestingBeforeComposing() {
    assertEquals("a.yaml: line 3, column 4: aliases (*x) are not allowed: write the value out",
        err(() -> YamlDocuments.loadAll("a.yaml", "--- {}\n---\nb: *x\n")));
    String deep = "a: " + "[".repeat(2000) + "]".repeat(2000) + "\n";
    assertEquals("d.yaml: line 1, column 103: lists and maps nested deeper than 100 levels",
        err(() -> YamlDocuments.loadOne("d.yaml", deep)));
    // 100 levels (the top map and 99 lists) are fine.
    assertEquals(1, YamlDocuments.loadOne("ok.yaml", "a: " + "[".repeat(99) + "]".repeat(99) + "\n").size());
  }

  @Test
  void checksEveryDocumentBeforeConstructingAny() {
    // A later document's alias or syntax error is reported before an earlier document's duplicate key, as when
    // the events were checked in a pass of their own.
    assertEquals("m.yaml: line 4, column 4: aliases (*x) are not allowed: write the value out",
        err(() -> YamlDocuments.loadAll("m.yaml", "a: 1\na: 2\n---\nb: *x\n")));
    String m = err(() -> YamlDocuments.loadAll("s.yaml", "a: 1\na: 2\n---\nb: [\n"));
    assertTrue(m.startsWith("s.yaml: line 5, column 1: malformed YAML:"), m);
    assertEquals(java.util.List.of(Map.of("a", 1), Map.of("b", java.util.List.of("c"))),
        YamlDocuments.loadAll("ok.yaml", "a: 1\n---\n---\nb: [c]\n"));
  }

  @Test
  void rejectsBytesThatAreNotUtf8WithTheirOffset() {
    byte[] bad = {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'};
    assertEquals("u.yaml: is not valid UTF-8 (bad byte sequence at byte offset 3)",
        err(() -> YamlDocuments.loadOne("u.yaml", bad)));
    assertEquals(Map.of("a", "é"), YamlDocuments.loadOne("u.yaml", "a: é\n".getBytes(
        java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void rejectsHugeDocuments() {
    String big = "a: \"" + "x".repeat(YamlDocuments.MAX_CHARS) + "\"\n";
    String m = err(() -> YamlDocuments.loadOne("big.yaml", big));
    assertTrue(m.startsWith("big.yaml: document is "), m);
  }

  @Test
  void malformedYamlNamesTheLine() {
    String m = err(() -> YamlDocuments.loadOne("m.yaml", "a: [1, 2\nb: 3\n"));
    assertTrue(m.startsWith("m.yaml: line "), m);
  }

  @Test
  void strictReaderNamesUnknownFieldsAndWrongTypes() {
    Map<String, Object> unknown = YamlDocuments.loadOne("wc.yaml", """
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata: {name: a}
        spec: {release: v1.0.0, relaese: x}
        """);
    assertEquals("wc.yaml: spec.relaese: unknown field", err(() -> StrictReader.read("wc.yaml", unknown,
        WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster")));
    Map<String, Object> wrong = YamlDocuments.loadOne("wc.yaml", """
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata: {name: a}
        spec: {release: v1.0.0, controlPlaneEndpoint: {host: h, port: [1]}}
        """);
    assertEquals("wc.yaml: spec.controlPlaneEndpoint.port: wrong type, expected integer",
        err(() -> StrictReader.read("wc.yaml", wrong, WorkloadCluster.class, WorkloadCluster.API_VERSION,
            "WorkloadCluster")));
    Map<String, Object> meta = YamlDocuments.loadOne("wc.yaml", """
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata: {name: a, lables: {}}
        spec: {release: v1.0.0}
        """);
    assertEquals("wc.yaml: metadata.lables: unknown field", err(() -> StrictReader.read("wc.yaml", meta,
        WorkloadCluster.class, WorkloadCluster.API_VERSION, "WorkloadCluster")));
  }
}
