package io.capkit.api.yaml;

import java.util.Map;

/** Reading into parsed YAML or JSON documents: trees of maps as {@link YamlDocuments} and Jackson produce them. */
public final class DocumentTrees {
  private DocumentTrees() {}

  /**
   * The value at a path of map keys, e.g. {@code at(doc, "spec", "release")}; null when a step is missing or is not
   * a map.
   */
  public static Object at(Map<String, ?> tree, String... keys) {
    Object cur = tree;
    for (String k : keys) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(k);
    }
    return cur;
  }
}
