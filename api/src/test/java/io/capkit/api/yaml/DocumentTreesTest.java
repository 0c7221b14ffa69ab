package io.capkit.api.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentTreesTest {
  @Test
  void walksMapsAndStopsAtAnythingElse() {
    Map<String, Object> doc = YamlDocuments.loadOne("d.yaml", "spec: {release: v1.1.0, hosts: [a], n: 3}\n");
    assertEquals("v1.1.0", DocumentTrees.at(doc, "spec", "release"));
    assertEquals(doc, DocumentTrees.at(doc));
    assertNull(DocumentTrees.at(doc, "spec", "missing"));
    assertNull(DocumentTrees.at(doc, "spec", "n", "deeper"), "a number is not a map");
    assertNull(DocumentTrees.at(doc, "spec", "hosts", "0"), "a list is not a map");
  }
}
