package io.capkit.api.yaml;

import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.fleet.FleetDefaults;
import io.capkit.api.fleet.WorkloadClusterSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link StrictReader}'s direct path for the types nearly every file holds (metadata, a WorkloadCluster's spec, fleet
 * defaults): a tree whose every field is known and of exactly the Java type Jackson would store is bound by calling
 * the setters Jackson would call. Jackson's bean deserializers cost a short run most of its start-up (annotation
 * proxies, the deserializer graph of ObjectMeta and every type it names, all interpreted). Anything else (an unknown
 * field, a null, a number or string Jackson would coerce or refuse) returns null, and Jackson reads the tree, so its
 * errors stay the only ones; {@code PlainTreeReaderTest} checks that both paths build equal objects.
 */
final class PlainTreeReader {
  private PlainTreeReader() {}

  /** {@code tree} bound as {@code type}, or null when Jackson must read it. */
  static Object read(Object tree, Class<?> type) {
    if (!(tree instanceof Map<?, ?> map)) {
      return null;
    }
    if (type == ObjectMeta.class) {
      return objectMeta(map);
    }
    if (type == WorkloadClusterSpec.class) {
      return workloadClusterSpec(map);
    }
    if (type == FleetDefaults.class) {
      return fleetDefaults(map);
    }
    return null;
  }

  private static ObjectMeta objectMeta(Map<?, ?> tree) {
    ObjectMeta meta = new ObjectMeta();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof String key)) {
        return null;
      }
      switch (key) {
        case "name" -> {
          if (!(v instanceof String s)) {
            return null;
          }
          meta.setName(s);
        }
        case "namespace" -> {
          if (!(v instanceof String s)) {
            return null;
          }
          meta.setNamespace(s);
        }
        case "labels" -> {
          Map<String, String> m = stringMap(v);
          if (m == null) {
            return null;
          }
          meta.setLabels(m);
        }
        case "annotations" -> {
          Map<String, String> m = stringMap(v);
          if (m == null) {
            return null;
          }
          meta.setAnnotations(m);
        }
        default -> {
          return null; // other ObjectMeta fields and unknown ones (Jackson's any-setter): Jackson's path
        }
      }
    }
    return meta;
  }

  private static WorkloadClusterSpec workloadClusterSpec(Map<?, ?> tree) {
    WorkloadClusterSpec spec = new WorkloadClusterSpec();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof String key)) {
        return null;
      }
      switch (key) {
        case "release" -> {
          if (!(v instanceof String s)) {
            return null;
          }
          spec.setRelease(s);
        }
        case "flavor" -> {
          if (!(v instanceof String s)) {
            return null;
          }
          spec.setFlavor(s);
        }
        case "controlPlaneEndpoint" -> {
          ApiEndpoint endpoint = v instanceof Map<?, ?> m ? apiEndpoint(m) : null;
          if (endpoint == null) {
            return null;
          }
          spec.setControlPlaneEndpoint(endpoint);
        }
        case "variables" -> {
          Map<String, Object> m = scalarMap(v);
          if (m == null) {
            return null;
          }
          spec.setVariables(m);
        }
        default -> {
          return null;
        }
      }
    }
    return spec;
  }

  private static ApiEndpoint apiEndpoint(Map<?, ?> tree) {
    ApiEndpoint endpoint = new ApiEndpoint();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      Object v = e.getValue();
      if ("host".equals(e.getKey()) && v instanceof String s) {
        endpoint.setHost(s);
      } else if ("port".equals(e.getKey()) && v instanceof Integer i) {
        endpoint.setPort(i);
      } else {
        return null;
      }
    }
    return endpoint;
  }

  private static FleetDefaults fleetDefaults(Map<?, ?> tree) {
    FleetDefaults defaults = new FleetDefaults();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof String key)) {
        return null;
      }
      if (key.equals("variables")) {
        Map<String, Object> m = scalarMap(v);
        if (m == null) {
          return null;
        }
        defaults.setVariables(m);
        continue;
      }
      if (!(v instanceof String s)) {
        return null;
      }
      switch (key) {
        case "apiVersion" -> defaults.setApiVersion(s);
        case "kind" -> defaults.setKind(s);
        case "namespace" -> defaults.setNamespace(s);
        default -> {
          return null;
        }
      }
    }
    return defaults;
  }

  // Map<String, String>: Jackson builds a LinkedHashMap in the tree's order.
  private static Map<String, String> stringMap(Object tree) {
    if (!(tree instanceof Map<?, ?> map)) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String v)) {
        return null;
      }
      out.put(k, v);
    }
    return out;
  }

  // Map<String, Object> of strings, ints and booleans: the objects Jackson's untyped deserializer returns for them.
  private static Map<String, Object> scalarMap(Object tree) {
    if (!(tree instanceof Map<?, ?> map)) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof String k)
          || !(v instanceof String || v instanceof Integer || v instanceof Boolean)) {
        return null;
      }
      out.put(k, v);
    }
    return out;
  }
}
