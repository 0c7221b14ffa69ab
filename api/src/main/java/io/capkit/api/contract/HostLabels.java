package io.capkit.api.contract;

import io.capkit.api.Names;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A label set written as {@code key=value,key2=value2} (METAL3_HOST_SELECTOR), parsed into a sorted map. */
public final class HostLabels {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

  private HostLabels() {}

  /** The labels; throws IllegalArgumentException with a user-facing message for a malformed text. */
  public static Map<String, String> parse(String text) {
    Map<String, String> out = new TreeMap<>();
    if (text.isBlank()) {
      return out;
    }
    for (String pair : text.split(",", -1)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("\"" + pair + "\" is not key=value (labels are written k1=v1,k2=v2)");
      }
      String key = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      Optional<String> bad = checkKey(key);
      if (bad.isPresent()) {
        throw new IllegalArgumentException("label key \"" + key + "\" " + bad.get());
      }
      if (!value.isEmpty()) {
        checkName(value).ifPresent(m -> {
          throw new IllegalArgumentException("label value \"" + value + "\" " + m);
        });
      }
      if (out.put(key, value) != null) {
        throw new IllegalArgumentException("label key \"" + key + "\" is given twice");
      }
    }
    return out;
  }

  // Label names and values: at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
  private static Optional<String> checkName(String s) {
    return NAME.matcher(s).matches() ? Optional.empty()
        : Optional.of("must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
  }

  private static Optional<String> checkKey(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      return checkName(key);
    }
    Optional<String> prefix = Names.checkSubdomain(key.substring(0, slash));
    return prefix.isPresent() ? prefix : checkKey(key.substring(slash + 1));
  }
}
