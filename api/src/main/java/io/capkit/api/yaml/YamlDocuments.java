package io.capkit.api.yaml;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads YAML safely: no duplicate keys, few aliases (no "billion laughs"), a size limit, plain data only
 * (maps, lists, strings, numbers, booleans, null). The only YAML parser in capkit.
 */
public final class YamlDocuments {
  /** Largest document accepted, in characters. */
  public static final int MAX_CHARS = 3 * 1024 * 1024;
  private static final int MAX_ALIASES = 50;

  private YamlDocuments() {}

  /** All documents in {@code text}, skipping empty ones. {@code file} names the input in problems. */
  public static List<Object> loadAll(String file, String text) {
    if (text.length() > MAX_CHARS) {
      throw new InvalidInputException(new Problem(file, null,
          "document is " + text.length() + " characters, over the limit of " + MAX_CHARS));
    }
    LoadSettings settings = LoadSettings.builder()
        .setLabel(file)
        .setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setAllowRecursiveKeys(false)
        .setCodePointLimit(MAX_CHARS)
        .build();
    List<Object> out = new ArrayList<>();
    try {
      for (Object doc : new Load(settings).loadAllFromString(text)) {
        if (doc != null) {
          out.add(doc);
        }
      }
    } catch (MarkedYamlEngineException e) {
      String where = e.getProblemMark().map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
          .orElse(null);
      throw new InvalidInputException(new Problem(file, where, "malformed YAML: " + firstLine(e.getProblem())));
    } catch (YamlEngineException e) {
      throw new InvalidInputException(new Problem(file, null, "malformed YAML: " + firstLine(e.getMessage())));
    }
    return out;
  }

  /** Exactly one mapping document. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> loadOne(String file, String text) {
    List<Object> docs = loadAll(file, text);
    if (docs.size() != 1) {
      throw new InvalidInputException(new Problem(file, null, "expected one YAML document, found " + docs.size()));
    }
    if (!(docs.get(0) instanceof Map<?, ?> m)) {
      throw new InvalidInputException(new Problem(file, null, "expected a YAML mapping at the top level"));
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw new InvalidInputException(new Problem(file, String.valueOf(k), "keys must be strings"));
      }
    }
    return (Map<String, Object>) m;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable input";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
