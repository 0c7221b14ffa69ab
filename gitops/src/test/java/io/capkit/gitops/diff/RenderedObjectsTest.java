package io.capkit.gitops.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.api.yaml.YamlDocuments;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderedObjectsTest {
  private static final String TEXT = """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: a}
      data:
        script: |
          ---x
           ---
          --- not a marker inside the block
      ---
      # only a comment
      --- !!map
      kind: Secret
      ---
      - 1
      - 2
      ...
      ---
      last: true
      """.replace("          --- not", "          ---not");

  @Test
  void piecewiseLoadingGivesWhatWholeLoadingGives() {
    Map<String, List<Object>> parsed = new HashMap<>();
    assertEquals(YamlDocuments.loadAll("f.yaml", TEXT), RenderedObjects.load("f.yaml", TEXT, parsed));
    assertEquals(5, parsed.size(), parsed.keySet().toString());
  }

  @Test
  void aDocumentSeenBeforeIsNotParsedAgain() {
    Map<String, List<Object>> parsed = new HashMap<>();
    List<Object> first = RenderedObjects.load("a.yaml", "a: 1\n---\nb: 2\n", parsed);
    List<Object> second = RenderedObjects.load("b.yaml", "a: 1\n---\nb: 3\n", parsed);
    assertSame(first.get(0), second.get(0));
    assertEquals(Map.of("b", 3), second.get(1));
  }

  @Test
  void aMalformedFileReportsTheLineInTheWholeFile() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> RenderedObjects.load("f.yaml", "a: 1\n---\nb: 2\n---\nc: [\n", new HashMap<>()));
    InvalidInputException whole = assertThrows(InvalidInputException.class,
        () -> YamlDocuments.loadAll("f.yaml", "a: 1\n---\nb: 2\n---\nc: [\n"));
    assertEquals(whole.problems(), e.problems());
    assertTrue(e.problems().get(0).toString().contains("line"), e.problems().toString());
  }
}
