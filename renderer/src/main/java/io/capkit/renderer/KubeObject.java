package io.capkit.renderer;

import java.util.Map;

/**
 * One rendered Kubernetes object: its identity and the whole document as an ordered map (apiVersion, kind,
 * metadata, spec), ready for {@link io.capkit.renderer.yaml.YamlWriter}.
 */
public record KubeObject(String apiVersion, String kind, String namespace, String name, Map<String, Object> document) {

  /** An object with the conventional key order; {@code labels} may be null. */
  public static KubeObject of(String apiVersion, String kind, String namespace, String name,
                              Map<String, Object> labels, Map<String, Object> spec) {
    Map<String, Object> metadata = OrderedMap.of("name", name, "namespace", namespace,
        "labels", labels == null || labels.isEmpty() ? null : labels);
    return new KubeObject(apiVersion, kind, namespace, name,
        OrderedMap.of("apiVersion", apiVersion, "kind", kind, "metadata", metadata, "spec", spec));
  }

  /** The API group, empty for the core group. */
  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** A v1beta2 object reference to this object: {@code {apiGroup, kind, name}}. */
  public Map<String, Object> ref() {
    return OrderedMap.of("apiGroup", group(), "kind", kind, "name", name);
  }
}
