package io.capkit.gitops.promote;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.yaml.DocumentTrees;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which clusters a promotion touches: terms joined by {@code ,} (all must hold): {@code mc=NAME},
 * {@code org=NAME}, {@code name=GLOB} ({@code *} and {@code ?}), {@code label:KEY=VALUE},
 * {@code release=vX.Y.Z}.
 */
public final class ClusterSelector {
  private static final String OPTION = "--select";

  private record Term(String field, String key, String value, Pattern glob) {
    String text() {
      return (field.equals("label") ? "label:" + key : field) + "=" + value;
    }
  }

  private final List<Term> terms;

  private ClusterSelector(List<Term> terms) {
    this.terms = terms;
  }

  public static ClusterSelector parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new InvalidInputException(Problem.at(OPTION, "is required, e.g. org=acme,release=v1.2.0"));
    }
    List<Term> terms = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (String raw : expression.split(",", -1)) {
      String t = raw.strip();
      int eq = t.indexOf('=');
      if (eq <= 0) {
        problems.add(Problem.at(OPTION, "\"" + t + "\" is not FIELD=VALUE (fields: mc, org, name, label:KEY, "
            + "release)"));
        continue;
      }
      String field = t.substring(0, eq).strip();
      String value = t.substring(eq + 1).strip();
      if (value.isEmpty()) {
        problems.add(Problem.at(OPTION, "\"" + t + "\" has an empty value"));
        continue;
      }
      if (field.startsWith("label:") && field.length() > "label:".length()) {
        terms.add(new Term("label", field.substring("label:".length()), value, null));
      } else if (field.equals("name")) {
        terms.add(new Term("name", null, value, glob(value)));
      } else if (field.equals("mc") || field.equals("org") || field.equals("release")) {
        terms.add(new Term(field, null, value, null));
      } else {
        problems.add(Problem.at(OPTION, "unknown field \"" + field + "\" (fields: mc, org, name, label:KEY, "
            + "release)"));
      }
    }
    InvalidInputException.throwIfAny(problems);
    return new ClusterSelector(List.copyOf(terms));
  }

  /** Whether the path-only terms (mc, org, name) hold; terms on content are checked by {@link #matches}. */
  public boolean matchesPath(ClusterFile file) {
    for (Term t : terms) {
      boolean ok = switch (t.field()) {
        case "mc" -> t.value().equals(file.managementCluster());
        case "org" -> t.value().equals(file.organization());
        case "name" -> t.glob().matcher(file.name()).matches();
        default -> true;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether every term holds for the cluster at {@code file} with parsed content {@code doc}. */
  public boolean matches(ClusterFile file, Map<String, Object> doc) {
    if (!matchesPath(file)) {
      return false;
    }
    for (Term t : terms) {
      if (t.field().equals("release") && !t.value().equals(DocumentTrees.at(doc, "spec", "release"))) {
        return false;
      }
      if (t.field().equals("label") && !(DocumentTrees.at(doc, "metadata", "labels") instanceof Map<?, ?> labels
          && t.value().equals(Objects.toString(labels.get(t.key()), null)))) {
        return false;
      }
    }
    return true;
  }

  /** The terms sorted, so {@code org=a,mc=b} and {@code mc=b,org=a} name the same selection. */
  public String normalized() {
    TreeSet<String> sorted = new TreeSet<>();
    terms.forEach(t -> sorted.add(t.text()));
    return String.join(",", sorted);
  }

  private static Pattern glob(String g) {
    StringBuilder re = new StringBuilder();
    for (char c : g.toCharArray()) {
      switch (c) {
        case '*' -> re.append("[^/]*");
        case '?' -> re.append("[^/]");
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
