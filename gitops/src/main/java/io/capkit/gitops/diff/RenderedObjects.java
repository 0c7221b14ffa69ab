package io.capkit.gitops.diff;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.yaml.YamlDocuments;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Rendered output split into objects, grouped by cluster: the folder a file sits in. Each object is kept
 * as parsed data and as canonical block YAML, so diffs do not depend on how documents were laid out.
 */
public final class RenderedObjects {
  /** The cluster name used for files at the top of the output. */
  public static final String ROOT = ".";

  private static final DumpSettings DUMP = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK)
      .setIndent(2).setIndicatorIndent(0).setWidth(Integer.MAX_VALUE).setSplitLines(false).build();

  private RenderedObjects() {}

  /** One object: where it came from and its data. */
  public record RenderedObject(ObjectKey key, String file, Object data) {
    /** Canonical block YAML; made only for the objects a diff shows, since dumping dominates large diffs. */
    public String yaml() {
      return new Dump(DUMP).dumpToString(data);
    }
  }

  /** cluster folder → object key → object. */
  public static SortedMap<String, SortedMap<ObjectKey, RenderedObject>> parse(SortedMap<String, byte[]> files) {
    List<Map.Entry<String, byte[]>> yaml = files.entrySet().stream()
        .filter(f -> f.getKey().endsWith(".yaml") || f.getKey().endsWith(".yml")).toList();
    // Files parse independently, so in parallel; results and the first error are taken in path order.
    List<Object> parsed = yaml.parallelStream().map(f -> {
      try {
        return (Object) YamlDocuments.loadAll(f.getKey(), new String(f.getValue(), StandardCharsets.UTF_8));
      } catch (InvalidInputException e) {
        return e;
      }
    }).toList();
    SortedMap<String, SortedMap<ObjectKey, RenderedObject>> clusters = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    for (int n = 0; n < yaml.size(); n++) {
      if (parsed.get(n) instanceof InvalidInputException e) {
        throw e;
      }
      @SuppressWarnings("unchecked")
      List<Object> docs = (List<Object>) parsed.get(n);
      String file = yaml.get(n).getKey();
      int slash = file.lastIndexOf('/');
      String cluster = slash < 0 ? ROOT : file.substring(0, slash);
      String base = slash < 0 ? file : file.substring(slash + 1);
      SortedMap<ObjectKey, RenderedObject> objects = clusters.computeIfAbsent(cluster, c -> new TreeMap<>());
      for (int i = 0; i < docs.size(); i++) {
        ObjectKey key = key(docs.get(i), base, i);
        RenderedObject o = new RenderedObject(key, file, docs.get(i));
        RenderedObject before = objects.putIfAbsent(key, o);
        if (before != null) {
          problems.add(new Problem(file, null, key + " is also in " + before.file()));
        }
      }
    }
    InvalidInputException.throwIfAny(problems);
    return clusters;
  }

  // Objects without a name (kustomize's kustomization.yaml) are keyed by their file and position.
  private static ObjectKey key(Object doc, String fileName, int index) {
    if (doc instanceof Map<?, ?> m) {
      String apiVersion = text(m.get("apiVersion"));
      String kind = text(m.get("kind"));
      if (m.get("metadata") instanceof Map<?, ?> meta && meta.get("name") != null) {
        return new ObjectKey(apiVersion, kind, text(meta.get("namespace")), text(meta.get("name")));
      }
      return new ObjectKey(apiVersion, kind, "", fileName + (index == 0 ? "" : "#" + index));
    }
    return new ObjectKey("", "", "", fileName + "#" + index);
  }

  private static String text(Object o) {
    return o == null ? "" : String.valueOf(o);
  }
}
