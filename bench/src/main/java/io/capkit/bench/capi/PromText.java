package io.capkit.bench.capi;

/** Reads counters from Prometheus text exposition. */
public final class PromText {
  private PromText() {}

  /**
   * The sum of the values of every sample line that starts with {@code prefix} (a metric name and, optionally, the
   * start of its label set); comment lines never match. A samples optional timestamp is ignored.
   */
  public static double sum(String exposition, String prefix) {
    double sum = 0;
    for (String line : exposition.split("\n")) {
      if (line.startsWith(prefix)) {
        int labelsEnd = line.lastIndexOf('}');
        String rest = (labelsEnd >= 0 ? line.substring(labelsEnd + 1) : line.substring(line.indexOf(' ') + 1)).trim();
        // "value" or "value timestamp"
        sum += Double.parseDouble(rest.split("\\s+")[0]);
      }
    }
    return sum;
  }
}
