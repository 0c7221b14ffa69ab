package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upstream projects' templates, samples and controller sources that hack/ensure-upstream-templates.sh copies out
 * of their released Go modules, and a field-by-field comparison of upstream objects with rendered ones.
 */
final class UpstreamFiles {
  private static final Pattern FENCED_YAML = Pattern.compile("(?s)```yaml\\n(.*?)```");

  private UpstreamFiles() {}

  static Path root() {
    String env = System.getenv("CAPKIT_UPSTREAM_TEMPLATES");
    Path dir = env != null && !env.isBlank() ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "capkit", "upstream-templates");
    assertTrue(Files.isRegularFile(dir.resolve(".capkit-stamp")), "no upstream templates in " + dir
        + ": run hack/ensure-upstream-templates.sh (hack/ensure-all.sh runs it)");
    return dir;
  }

  /** {@code module@version} of a source, from the cache's stamp. */
  static String version(String source) {
    for (String line : read(root().resolve(".capkit-stamp")).split("\n")) {
      if (line.startsWith(source + " ")) {
        return line.substring(source.length() + 1);
      }
    }
    throw new AssertionError("the upstream template cache has no source " + source);
  }

  /** {@code module@version/path}, how a check names its upstream file. */
  static String cite(String source, String path) {
    return version(source) + "/" + path;
  }

  static String text(String source, String path) {
    Path file = root().resolve(source).resolve(path);
    assertTrue(Files.isRegularFile(file), "missing " + file + ": rerun hack/ensure-upstream-templates.sh");
    return read(file);
  }

  /** The YAML documents of a template file. */
  static List<Map<String, Object>> docs(String source, String path) {
    // A line that is only a clusterctl variable (extra kubeadm config) substitutes to nothing by default.
    return maps(YamlDocuments.loadAll(cite(source, path), text(source, path).replaceAll("(?m)^\\$\\{[A-Z_]+}$", "")));
  }

  /** The YAML documents in a Markdown file's fenced yaml blocks. */
  static List<Map<String, Object>> markdownDocs(String source, String path) {
    List<Map<String, Object>> out = new ArrayList<>();
    Matcher m = FENCED_YAML.matcher(text(source, path));
    while (m.find()) {
      try {
        out.addAll(maps(YamlDocuments.loadAll(cite(source, path), m.group(1))));
      } catch (io.capkit.api.InvalidInputException e) {
        // Prose examples with elisions; a check that needs an object from such a block fails in find().
      }
    }
    return out;
  }

  /** The one object of {@code kind} (and {@code name} when not null); fails naming what was there. */
  static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
    List<Map<String, Object>> hits = docs.stream().filter(d -> kind.equals(d.get("kind")))
        .filter(d -> name == null || name.equals(at(d, "metadata.name"))).toList();
    assertTrue(hits.size() == 1, "expected one " + kind + (name == null ? "" : " " + name) + ", found " + hits.size()
        + " among " + docs.stream().map(d -> d.get("kind") + "/" + at(d, "metadata.name")).toList());
    return hits.get(0);
  }

  /** The value at a dotted path of maps, or null. */
  static Object at(Object o, String path) {
    for (String key : path.split("\\.")) {
      if (!(o instanceof Map<?, ?> m)) {
        return null;
      }
      o = m.get(key);
    }
    return o;
  }

  /**
   * Leaves by path: maps by key, list items by their {@code name} (or {@code key}, {@code path}, {@code type}+
   * {@code status}) when they have one, else by index; empty maps and lists are leaves.
   */
  static TreeMap<String, Object> flatten(Object o) {
    TreeMap<String, Object> out = new TreeMap<>();
    flatten("", o, out);
    return out;
  }

  private static void flatten(String path, Object o, TreeMap<String, Object> out) {
    if (o instanceof Map<?, ?> m && !m.isEmpty()) {
      m.forEach((k, v) -> flatten(path.isEmpty() ? String.valueOf(k) : path + "." + k, v, out));
    } else if (o instanceof List<?> l && !l.isEmpty()) {
      for (int i = 0; i < l.size(); i++) {
        flatten(path + "[" + itemKey(l.get(i), i) + "]", l.get(i), out);
      }
    } else {
      out.put(path, o);
    }
  }

  private static String itemKey(Object item, int index) {
    if (item instanceof Map<?, ?> m) {
      for (String k : List.of("name", "key", "path")) {
        if (m.get(k) instanceof String s) {
          return k + "=" + s;
        }
      }
      if (m.get("type") != null && m.get("status") != null) {
        return m.get("type") + "=" + m.get("status");
      }
    }
    return item instanceof String s ? s : String.valueOf(index);
  }

  /** A difference capkit makes on purpose: the path prefix it covers and why. */
  record ByDesign(String path, String why) {}

  /**
   * Compares the leaves under {@code fields} (path prefixes) of an upstream object and a rendered one. An upstream
   * value that is a template variable ({@code ${X}}, {@code {{ .X }}}) only asks that capkit has a value there.
   * Every difference must be covered by a {@link ByDesign} entry, and every entry must still cover one, so a new
   * upstream version shows up as the paths it changed. Returns the uncovered differences and stale entries.
   */
  static List<String> compare(String what, Map<String, Object> upstream, Map<String, Object> ours, List<String> fields,
                              List<ByDesign> byDesign) {
    TreeMap<String, Object> u = select(flatten(upstream), fields);
    TreeMap<String, Object> o = select(flatten(ours), fields);
    List<String> wrong = new ArrayList<>();
    TreeSet<String> used = new TreeSet<>();
    TreeSet<String> paths = new TreeSet<>(u.keySet());
    paths.addAll(o.keySet());
    for (String p : paths) {
      Object uv = u.get(p);
      Object ov = o.get(p);
      boolean variable = uv instanceof String s && (s.contains("${") || s.contains("{{ ."));
      boolean same = u.containsKey(p) && o.containsKey(p) && (variable || Objects.equals(String.valueOf(uv),
          String.valueOf(ov)));
      if (same) {
        continue;
      }
      ByDesign covered = byDesign.stream().filter(b -> p.equals(b.path()) || p.startsWith(b.path() + ".")
          || p.startsWith(b.path() + "[")).findFirst().orElse(null);
      if (covered != null) {
        used.add(covered.path());
        continue;
      }
      wrong.add(what + ": " + p + ": upstream " + (u.containsKey(p) ? "has " + uv : "has nothing") + ", capkit "
          + (o.containsKey(p) ? "has " + ov : "has nothing"));
    }
    for (String f : fields) {
      if (select(u, List.of(f)).isEmpty() && select(o, List.of(f)).isEmpty()) {
        wrong.add(what + ": " + f + ": neither upstream nor capkit has it; the compared fields are stale");
      }
    }
    byDesign.stream().filter(b -> !used.contains(b.path())).forEach(b -> wrong.add(what + ": by-design difference "
        + b.path() + " (" + b.why() + ") no longer differs from upstream: drop it"));
    return wrong;
  }

  private static TreeMap<String, Object> select(TreeMap<String, Object> leaves, List<String> fields) {
    TreeMap<String, Object> out = new TreeMap<>();
    leaves.forEach((p, v) -> {
      if (fields.stream().anyMatch(f -> f.isEmpty() || p.equals(f) || p.startsWith(f + ".") || p.startsWith(f + "["))) {
        out.put(p, v);
      }
    });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(List<Object> docs) {
    List<Map<String, Object>> out = new ArrayList<>();
    docs.stream().filter(Objects::nonNull).forEach(d -> out.add(new LinkedHashMap<>((Map<String, Object>) d)));
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
