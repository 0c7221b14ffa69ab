package io.capkit.api.contract;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Kubernetes version, semver with an optional leading {@code v}; printed with the {@code v}. */
public record KubernetesVersion(int major, int minor, int patch, String preRelease)
    implements Comparable<KubernetesVersion> {
  private static final Pattern FORM = Pattern.compile(
      "v?(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})"
          + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");
  private static final Comparator<KubernetesVersion> ORDER = Comparator.comparingInt(KubernetesVersion::major)
      .thenComparingInt(KubernetesVersion::minor).thenComparingInt(KubernetesVersion::patch)
      .thenComparing(v -> v.preRelease == null ? "\uffff" : v.preRelease);

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

  /** Minor versions from this one to {@code target}: 1 for v1.33 → v1.34; negative for a downgrade. */
  public int minorsTo(KubernetesVersion target) {
    if (target.major != major) {
      return (target.major - major) * 1000;
    }
    return target.minor - minor;
  }

  @Override
  public int compareTo(KubernetesVersion o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return "v" + major + "." + minor + "." + patch + (preRelease == null ? "" : "-" + preRelease);
  }
}
