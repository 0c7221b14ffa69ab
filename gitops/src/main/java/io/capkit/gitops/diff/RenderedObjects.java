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
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rendered output split into objects, grouped by cluster: the folder a file sits in. Each object is kept
 * as parsed data and as canonical block YAML, so diffs do not depend on how documents were laid out.
 */
public final class RenderedObjects {
  /** The cluster name used for files at the top of the output. */
  public static final String ROOT = ".";

  private RenderedObjects() {}

  /**
   * One object: where it came from and its data; {@code written}: {@code data} is the document the renderer wrote the
   * object from, which stands for its data ({@link WrittenDocuments#standForTheirData}).
   */
  public record RenderedObject(ObjectKey key, String file, Object data, boolean written) {
    public RenderedObject(ObjectKey key, String file, Object data) {
      this(key, file, data, false);
    }

    /** Canonical block YAML; made only for the objects a diff shows, since dumping dominates large diffs. */
    public String yaml() {
      return CanonicalYaml.dump(written ? WrittenDocuments.data(List.of(asMap(data)), 0).orElseThrow().get(0) : data);
    }

    /** Whether the two objects' data are equal. */
    boolean sameData(RenderedObject other) {
      return written || other.written ? WrittenDocuments.same(data, other.data)
          : java.util.Objects.equals(data, other.data);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> asMap(Object document) {
      return (Map<String, ?>) document;
    }
  }

  /** cluster folder → object key → object. */
  public static SortedMap<String, SortedMap<ObjectKey, RenderedObject>> parse(SortedMap<String, byte[]> files) {
    return parse(files, new ConcurrentHashMap<>());
  }

  /**
   * As {@link #parse(SortedMap)}, with documents parsed once per distinct text: {@code parsed} (document text →
   * data) is shared between the two sides of a diff, where most documents of a changed file are unchanged.
   */
  static SortedMap<String, SortedMap<ObjectKey, RenderedObject>> parse(SortedMap<String, byte[]> files,
      Map<String, List<Object>> parsed) {
    List<Map.Entry<String, byte[]>> yaml = files.entrySet().stream()
        .filter(f -> isYaml(f.getKey())).toList();
    // Files parse independently, so in parallel; results and the first error are taken in path order.
    List<Object> results = yaml.parallelStream().map(f -> {
      try {
        return (Object) load(f.getKey(), new String(f.getValue(), StandardCharsets.UTF_8), parsed);
      } catch (InvalidInputException e) {
        return e;
      }
    }).toList();
    for (Object r : results) {
      if (r instanceof InvalidInputException e) {
        throw e;
      }
    }
    SortedMap<String, SortedMap<ObjectKey, RenderedObject>> clusters = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    for (int n = 0; n < yaml.size(); n++) {
      @SuppressWarnings("unchecked")
      List<Object> docs = (List<Object>) results.get(n);
      String file = yaml.get(n).getKey();
      add(clusters.computeIfAbsent(cluster(file), c -> new TreeMap<>()), file, docs, problems);
    }
    InvalidInputException.throwIfAny(problems);
    return clusters;
  }

  /** Whether the renderer's output file {@code path} holds objects (YAML); other files only count as bytes. */
  static boolean isYaml(String path) {
    return path.endsWith(".yaml") || path.endsWith(".yml");
  }

  /** The cluster a file belongs to: the folder it sits in, or {@link #ROOT}. */
  static String cluster(String file) {
    int slash = file.lastIndexOf('/');
    return slash < 0 ? ROOT : file.substring(0, slash);
  }

  /** Adds the documents of {@code file} to its cluster's objects; a key seen before is a problem. */
  static void add(SortedMap<ObjectKey, RenderedObject> objects, String file, List<Object> docs,
      List<Problem> problems) {
    add(objects, file, docs, problems, false);
  }

  /** As above; {@code written}: the documents are the renderer's ({@link RenderedObject#written}). */
  static void add(SortedMap<ObjectKey, RenderedObject> objects, String file, List<Object> docs,
      List<Problem> problems, boolean written) {
    int slash = file.lastIndexOf('/');
    String base = slash < 0 ? file : file.substring(slash + 1);
    for (int i = 0; i < docs.size(); i++) {
      ObjectKey key = key(docs.get(i), base, i);
      RenderedObject o = new RenderedObject(key, file, docs.get(i), written);
      RenderedObject before = objects.putIfAbsent(key, o);
      if (before != null) {
        problems.add(new Problem(file, null, key + " is also in " + before.file()));
      }
    }
  }

  /**
   * The file's documents, parsed document by document through {@code parsed}. A line starting with
   * {@code ---} and a blank always starts a document (YAML forbids it inside scalars); files with directives
   * ({@code %}) are parsed whole, and so is any file a piece of which fails, so problems keep their line numbers.
   */
  static List<Object> load(String file, String text, Map<String, List<Object>> parsed) {
    if (text.startsWith("%") || text.contains("\n%")) {
      return YamlDocuments.loadAll(file, text);
    }
    List<Object> docs = new ArrayList<>();
    try {
      int start = 0;
      while (start < text.length()) {
        int next = nextMarker(text, start);
        String piece = text.substring(start, next);
        List<Object> d = parsed.get(piece);
        if (d == null) {
          d = YamlDocuments.loadAll(file, piece);
          parsed.putIfAbsent(piece, d);
        }
        docs.addAll(d);
        start = next;
      }
    } catch (InvalidInputException e) {
      return YamlDocuments.loadAll(file, text);
    }
    return docs;
  }

  // The start of the next line after `from` that is a document start marker, or the end of the text.
  private static int nextMarker(String text, int from) {
    int i = text.indexOf("\n---", from);
    while (i >= 0) {
      int after = i + 4;
      if (after == text.length() || " \t\r\n".indexOf(text.charAt(after)) >= 0) {
        return i + 1;
      }
      i = text.indexOf("\n---", after);
    }
    return text.length();
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
