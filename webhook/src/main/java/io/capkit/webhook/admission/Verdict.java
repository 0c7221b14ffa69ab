package io.capkit.webhook.admission;

import io.capkit.api.Problem;
import java.util.ArrayList;
import java.util.List;

/** What a validating check decides: the problems that deny the request and warnings returned with an admission. */
public record Verdict(List<Problem> problems, List<String> warnings) {
  public static final Verdict ALLOWED = new Verdict(List.of(), List.of());

  public Verdict {
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort(null);
    problems = List.copyOf(sorted);
    warnings = List.copyOf(warnings);
  }

  public static Verdict of(List<Problem> problems) {
    return new Verdict(problems, List.of());
  }

  public boolean allowed() {
    return problems.isEmpty();
  }
}
