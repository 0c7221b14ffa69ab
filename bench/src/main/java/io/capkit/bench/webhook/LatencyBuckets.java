package io.capkit.bench.webhook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cumulative latency histogram as servers export it: upper bounds in seconds (ascending, the last one +Inf) and the
 * number of observations at or below each. Quantiles are estimates: linear interpolation inside the bucket the rank
 * falls in, so their error is at most that bucket's width.
 */
public record LatencyBuckets(double[] upperBounds, long[] cumulative) {

  public LatencyBuckets {
    if (upperBounds.length != cumulative.length || upperBounds.length == 0
        || upperBounds[upperBounds.length - 1] != Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("buckets need matching bounds and counts, ending with +Inf");
    }
    for (int i = 1; i < upperBounds.length; i++) {
      if (!(upperBounds[i] > upperBounds[i - 1]) || cumulative[i] < cumulative[i - 1]) {
        throw new IllegalArgumentException("bounds must ascend and counts must not fall, at bucket " + i);
      }
    }
    upperBounds = upperBounds.clone();
    cumulative = cumulative.clone();
  }

  /** A histogram from cumulative counts by upper bound; +Inf is added with the largest count when missing. */
  public static LatencyBuckets of(Map<Double, Long> cumulativeByBound) {
    TreeMap<Double, Long> sorted = new TreeMap<>(cumulativeByBound);
    sorted.putIfAbsent(Double.POSITIVE_INFINITY, sorted.isEmpty() ? 0L : sorted.lastEntry().getValue());
    double[] bounds = sorted.keySet().stream().mapToDouble(Double::doubleValue).toArray();
    long[] counts = sorted.values().stream().mapToLong(Long::longValue).toArray();
    return new LatencyBuckets(bounds, counts);
  }

  /**
   * The {@code <metric>_bucket} series of a Prometheus text exposition whose label {@code labelName} equals
   * {@code labelValue}; empty when the series is not there yet.
   */
  public static LatencyBuckets fromPrometheusText(String text, String metric, String labelName, String labelValue) {
    String prefix = metric + "_bucket{";
    Map<Double, Long> counts = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      int close = line.lastIndexOf('}');
      Map<String, String> labels = labels(line.substring(prefix.length(), close));
      if (!labelValue.equals(labels.get(labelName)) || !labels.containsKey("le")) {
        continue;
      }
      String value = line.substring(close + 1).trim().split(" ")[0];
      counts.put(number(labels.get("le")), (long) Double.parseDouble(value));
    }
    return of(counts);
  }

  /** Lines {@code <path> <upper bound in seconds> <cumulative count>} (the Go peer's native buckets). */
  public static LatencyBuckets fromBoundLines(String text, String path) {
    Map<Double, Long> counts = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length == 3 && f[0].equals(path)) {
        counts.put(number(f[1]), Long.parseLong(f[2]));
      }
    }
    return of(counts);
  }

  /**
   * The observations made between {@code earlier} and this scrape. A bound missing from {@code earlier} had an empty
   * bucket there (sparse histograms omit those), so its earlier count is the one at the next bound below; a server
   * that halves its resolution keeps a subset of its bounds, which this also handles.
   */
  public LatencyBuckets minus(LatencyBuckets earlier) {
    Map<Double, Long> delta = new TreeMap<>();
    for (int i = 0; i < upperBounds.length; i++) {
      delta.put(upperBounds[i], cumulative[i] - earlier.countAtOrBelow(upperBounds[i]));
    }
    return of(delta);
  }

  /** Observations at or below the bound, assuming none inside a bucket that straddles it. */
  long countAtOrBelow(double bound) {
    long n = 0;
    for (int i = 0; i < upperBounds.length && upperBounds[i] <= bound; i++) {
      n = cumulative[i];
    }
    return n;
  }

  public long count() {
    return cumulative[cumulative.length - 1];
  }

  /**
   * The q-quantile in seconds, interpolated linearly inside its bucket (the first bucket starts at 0); NaN when
   * empty. A rank in the +Inf bucket returns the largest finite bound, a lower limit.
   */
  public double quantile(double q) {
    if (q < 0 || q > 1) {
      throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
    }
    long total = count();
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    for (int i = 0; i < upperBounds.length; i++) {
      if (cumulative[i] >= rank && cumulative[i] > 0) {
        if (upperBounds[i] == Double.POSITIVE_INFINITY) {
          return i == 0 ? Double.NaN : upperBounds[i - 1];
        }
        double lower = i == 0 ? 0 : upperBounds[i - 1];
        long below = i == 0 ? 0 : cumulative[i - 1];
        long inBucket = cumulative[i] - below;
        return lower + (upperBounds[i] - lower) * ((rank - below) / inBucket);
      }
    }
    return upperBounds[upperBounds.length - 2];
  }

  /** Width of the bucket holding the q-quantile relative to its upper bound: the estimate's worst-case error. */
  public double relativeResolution(double q) {
    double v = quantile(q);
    for (int i = 0; i < upperBounds.length - 1; i++) {
      if (v <= upperBounds[i]) {
        double lower = i == 0 ? 0 : upperBounds[i - 1];
        return (upperBounds[i] - lower) / upperBounds[i];
      }
    }
    return Double.NaN;
  }

  private static Map<String, String> labels(String body) {
    Map<String, String> labels = new LinkedHashMap<>();
    int i = 0;
    while (i < body.length()) {
      int eq = body.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = body.substring(i, eq).trim();
      int start = body.indexOf('"', eq) + 1;
      StringBuilder value = new StringBuilder();
      int k = start;
      for (; k < body.length() && body.charAt(k) != '"'; k++) {
        if (body.charAt(k) == '\\' && k + 1 < body.length()) {
          k++;
        }
        value.append(body.charAt(k));
      }
      labels.put(name, value.toString());
      int comma = body.indexOf(',', k);
      i = comma < 0 ? body.length() : comma + 1;
    }
    return labels;
  }

  private static double number(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    return t.equals("+inf") || t.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(t);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatencyBuckets b && Arrays.equals(upperBounds, b.upperBounds)
        && Arrays.equals(cumulative, b.cumulative);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(upperBounds) + Arrays.hashCode(cumulative);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < upperBounds.length; i++) {
      parts.add(upperBounds[i] + "=" + cumulative[i]);
    }
    return "LatencyBuckets" + parts;
  }
}
