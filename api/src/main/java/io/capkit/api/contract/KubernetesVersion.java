package io.capkit.api.contract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes version, semver 2.0.0 with an optional leading {@code v}; printed with the {@code v}. Ordered by semver
 * precedence (section 11): numeric pre-release identifiers compare as numbers, build metadata is ignored.
 */
public record KubernetesVersion(int major, int minor, int patch, String preRelease)
    implements Comparable<KubernetesVersion> {
  private static final String NUMBER = "(?:0|[1-9][0-9]*)";
  private static final String IDENTIFIER = "(?:" + NUMBER + "|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
  private static final Pattern FORM = Pattern.compile(
      "v?(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})"
          + "(?:-(" + IDENTIFIER + "(?:\\." + IDENTIFIER + ")*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");
  private static final Pattern NUMERIC = Pattern.compile("[0-9]+");

  public static KubernetesVersion parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a semantic version (e.g. v1.33.4)");
    }
    return new KubernetesVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), m.group(4));
  }

  public static boolean isValid(String text) {
    return text != null && FORM.matcher(text).matches();
  }

  @Override
  public int compareTo(KubernetesVersion o) {
    int c = Integer.compare(major, o.major);
    c = c != 0 ? c : Integer.compare(minor, o.minor);
    c = c != 0 ? c : Integer.compare(patch, o.patch);
    return c != 0 ? c : comparePreRelease(preRelease, o.preRelease);
  }

  // A release is above its pre-releases; identifiers compare left to right, a longer list wins a tie.
  private static int comparePreRelease(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = compareIdentifier(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  // Numeric identifiers compare as numbers (any length) and sort below alphanumeric ones, which compare in ASCII.
  private static int compareIdentifier(String a, String b) {
    boolean na = NUMERIC.matcher(a).matches();
    boolean nb = NUMERIC.matcher(b).matches();
    if (na && nb) {
      return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
    if (na || nb) {
      return na ? -1 : 1;
    }
    return a.compareTo(b);
  }

  @Override
  public String toString() {
    return "v" + major + "." + minor + "." + patch + (preRelease == null ? "" : "-" + preRelease);
  }
}
