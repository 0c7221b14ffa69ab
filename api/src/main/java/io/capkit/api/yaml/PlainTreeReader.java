package io.capkit.api.yaml;

import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.fleet.FleetDefaults;
import io.capkit.api.fleet.WorkloadClusterSpec;
import io.capkit.api.release.ChartSource;
import io.capkit.api.release.ReleaseApp;
import io.capkit.api.release.ReleaseComponent;
import io.capkit.api.release.ReleaseSpec;
import io.capkit.api.release.ReleaseState;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@link StrictReader}'s direct path for the types nearly every file holds (metadata, a WorkloadCluster's spec, fleet
 * defaults, a Release's spec): a tree whose every field is known and of exactly the Java type Jackson would store is bound by calling
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
    if (type == ReleaseSpec.class) {
      return releaseSpec(map);
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

  private static ReleaseSpec releaseSpec(Map<?, ?> tree) {
    ReleaseSpec spec = new ReleaseSpec();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof String key)) {
        return null;
      }
      switch (key) {
        case "apps" -> {
          List<ReleaseApp> apps = objectList(v, PlainTreeReader::releaseApp);
          if (apps == null) {
            return null;
          }
          spec.setApps(apps);
        }
        case "components" -> {
          List<ReleaseComponent> components = objectList(v, PlainTreeReader::releaseComponent);
          if (components == null) {
            return null;
          }
          spec.setComponents(components);
        }
        case "date" -> {
          if (!(v instanceof String s)) {
            return null;
          }
          spec.setDate(s);
        }
        case "state" -> {
          // Jackson's names are the constants' @JsonProperty values; anything else (another case, an index) is its call.
          ReleaseState state = v instanceof String s ? switch (s) {
            case "wip" -> ReleaseState.WIP;
            case "preview" -> ReleaseState.PREVIEW;
            case "active" -> ReleaseState.ACTIVE;
            case "deprecated" -> ReleaseState.DEPRECATED;
            default -> null;
          } : null;
          if (state == null) {
            return null;
          }
          spec.setState(state);
        }
        default -> {
          return null;
        }
      }
    }
    return spec;
  }

  private static ReleaseApp releaseApp(Map<?, ?> tree) {
    ReleaseApp app = new ReleaseApp();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      Object v = e.getValue();
      if (!(e.getKey() instanceof String key)) {
        return null;
      }
      if (key.equals("chart")) {
        ChartSource chart = v instanceof Map<?, ?> m ? chartSource(m) : null;
        if (chart == null) {
          return null;
        }
        app.setChart(chart);
        continue;
      }
      if (!(v instanceof String s)) {
        return null;
      }
      switch (key) {
        case "name" -> app.setName(s);
        case "version" -> app.setVersion(s);
        case "componentVersion" -> app.setComponentVersion(s);
        default -> {
          return null;
        }
      }
    }
    return app;
  }

  private static ChartSource chartSource(Map<?, ?> tree) {
    ChartSource chart = new ChartSource();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      Object v = e.getValue();
      if ("repository".equals(e.getKey()) && v instanceof String s) {
        chart.setRepository(s);
      } else if ("name".equals(e.getKey()) && v instanceof String s) {
        chart.setName(s);
      } else {
        return null;
      }
    }
    return chart;
  }

  private static ReleaseComponent releaseComponent(Map<?, ?> tree) {
    ReleaseComponent component = new ReleaseComponent();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      Object v = e.getValue();
      if ("name".equals(e.getKey()) && v instanceof String s) {
        component.setName(s);
      } else if ("version".equals(e.getKey()) && v instanceof String s) {
        component.setVersion(s);
      } else if ("releaseOperatorDeploy".equals(e.getKey()) && v instanceof Boolean b) {
        component.setReleaseOperatorDeploy(b);
      } else {
        return null;
      }
    }
    return component;
  }

  // A list of objects, each bound by `bind` (null when it must go to Jackson); Jackson's List is an ArrayList.
  private static <T> List<T> objectList(Object tree, Function<Map<?, ?>, T> bind) {
    if (!(tree instanceof List<?> list)) {
      return null;
    }
    List<T> out = new ArrayList<>(list.size());
    for (Object item : list) {
      T bound = item instanceof Map<?, ?> m ? bind.apply(m) : null;
      if (bound == null) {
        return null;
      }
      out.add(bound);
    }
    return out;
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
