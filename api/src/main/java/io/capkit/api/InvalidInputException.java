package io.capkit.api;

import java.util.List;
import java.util.stream.Collectors;

/** Input that breaks the contract; carries every problem found, not only the first. */
public class InvalidInputException extends RuntimeException {
  private final List<Problem> problems;

  public InvalidInputException(List<Problem> problems) {
    super(problems.stream().map(Problem::format).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an InvalidInputException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public InvalidInputException(Problem problem) {
    this(List.of(problem));
  }

  public List<Problem> problems() {
    return problems;
  }

  /** Throws when the list is not empty. */
  public static void throwIfAny(List<Problem> problems) {
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems.stream().sorted().toList());
    }
  }
}
