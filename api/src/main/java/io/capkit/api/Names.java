package io.capkit.api;

import java.util.Optional;
import java.util.regex.Pattern;

/** Kubernetes name rules (RFC 1123), checked in one place. */
public final class Names {
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Compiled at the first {@link #isIpv4} (KVM storage checks), not with the name rules every validate uses. */
  private static final class Ipv4 {
    static final Pattern IPV4 = Pattern.compile(
        "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private Ipv4() {}
  }

  private Names() {}

  /** True for a dotted-quad IPv4 address without leading zeros. */
  public static boolean isIpv4(String s) {
    return s != null && Ipv4.IPV4.matcher(s).matches();
  }

  /** A problem message when {@code host} (an API endpoint host) is neither a DNS-1123 subdomain nor an IPv4 address. */
  public static Optional<String> checkHost(String host) {
    if (host == null || host.isEmpty()) {
      return Optional.of("is required");
    }
    if (isIpv4(host)) {
      return Optional.empty();
    }
    if (host.matches("[0-9.]+")) {
      return Optional.of("\"" + host + "\" is not an IPv4 address");
    }
    return checkSubdomain(host).map(m -> m + " nor an IPv4 address");
  }

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
