package io.capkit.api;

import java.util.Optional;
import java.util.regex.Pattern;

/** Kubernetes name rules (RFC 1123), checked in one place. */
public final class Names {
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private Names() {}

  /** A problem message when {@code name} is not a DNS-1123 label (max 63 characters), else empty. */
  public static Optional<String> checkLabel(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("is required");
    }
    if (name.length() > 63) {
      return Optional.of("\"" + name + "\" is longer than 63 characters");
    }
    if (!DNS1123_LABEL.matcher(name).matches()) {
      return Optional.of("\"" + name + "\" is not a DNS-1123 label (lower-case letters, digits and '-', "
          + "starting and ending with a letter or digit)");
    }
    return Optional.empty();
  }

  /** A problem message when {@code name} is not a DNS-1123 subdomain (max 253 characters), else empty. */
  public static Optional<String> checkSubdomain(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("is required");
    }
    if (name.length() > 253) {
      return Optional.of("\"" + name + "\" is longer than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
      return Optional.of("\"" + name + "\" is not a DNS-1123 subdomain");
    }
    return Optional.empty();
  }
}
