package io.capkit.gitops.promote;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.release.Release;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The Release objects in a releases folder, by name; every YAML file is read, other kinds are ignored. */
public final class ReleaseCatalog {
  private ReleaseCatalog() {}

  @SuppressWarnings("unchecked")
  public static SortedMap<String, Release> read(SourceTree releases) {
    SortedMap<String, Release> byName = new TreeMap<>();
    SortedMap<String, String> fileOf = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    for (String path : releases.files()) {
      if (!(path.endsWith(".yaml") || path.endsWith(".yml"))) {
        continue;
      }
      String file = releases.describe() + "/" + path;
      try {
        String text = YamlDocuments.text(file, releases.read(path).orElseThrow());
        for (Object doc : YamlDocuments.loadAll(file, text)) {
          if (doc instanceof Map<?, ?> m && "Release".equals(m.get("kind"))) {
            Release r = StrictReader.read(file, (Map<String, Object>) m, Release.class, Release.API_VERSION,
                "Release");
            String name = r.getMetadata().getName();
            if (fileOf.containsKey(name)) {
              problems.add(new Problem(file, "metadata.name", "release " + name + " is also defined in "
                  + fileOf.get(name)));
            } else {
              byName.put(name, r);
              fileOf.put(name, file);
            }
          }
        }
      } catch (InvalidInputException e) {
        problems.addAll(e.problems());
      }
    }
    InvalidInputException.throwIfAny(problems);
    return byName;
  }
}
