package io.capkit.api;

import java.util.Comparator;
import java.util.Objects;

/**
 * One thing wrong with an input: where (file and field path) and what. The single error value shared by the
 * renderer, the webhook, the provider and the CLI; {@link #format()} is the one way it is printed.
 */
public record Problem(String file, String path, String message) implements Comparable<Problem> {

  private static final Comparator<Problem> ORDER = Comparator
      .comparing((Problem p) -> p.file == null ? "" : p.file)
      .thenComparing(p -> p.path == null ? "" : p.path)
      .thenComparing(Problem::message);

  public Problem {
    Objects.requireNonNull(message, "message");
  }

  public static Problem at(String path, String message) {
    return new Problem(null, path, message);
  }

  /** The same problem, located in a file. */
  public Problem inFile(String file) {
    return new Problem(file, path, message);
  }

  /** The same problem below a parent path, e.g. {@code spec.variables} + {@code POD_IP_RANGE}. */
  public Problem under(String parent) {
    if (parent == null || parent.isEmpty()) {
      return this;
    }
    return new Problem(file, path == null || path.isEmpty() ? parent : parent + "." + path, message);
  }

  /** {@code file: path: message}, leaving out what is unknown. */
  public String format() {
    StringBuilder b = new StringBuilder();
    if (file != null && !file.isEmpty()) {
      b.append(file).append(": ");
    }
    if (path != null && !path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }

  @Override
  public int compareTo(Problem o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return format();
  }
}
