package io.capkit.provider.libvirt;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The URI the provider connects with for a KVMHost whose SSH key it holds: the admin's URI (which the KVMHost rules
 * keep free of query parameters) plus {@code keyfile=<path>} and {@code no_tty=1}, composed only here. Host key
 * verification stays on ({@code no_verify} is never added): the provider's known_hosts must hold the host's key.
 * Pure: no I/O.
 */
public final class SshKeyUri {
  /** libvirt's SSH transports, the ones that take {@code keyfile=}. */
  public static final Set<String> SSH_SCHEMES = Set.of("qemu+ssh", "qemu+libssh", "qemu+libssh2");

  private SshKeyUri() {}

  /** Whether an admin URI connects over SSH (so an sshKeySecretRef applies). */
  public static boolean isSsh(String adminUri) {
    int colon = adminUri == null ? -1 : adminUri.indexOf(':');
    return colon > 0 && SSH_SCHEMES.contains(adminUri.substring(0, colon).toLowerCase(Locale.ROOT));
  }

  /**
   * {@code adminUri?keyfile=<path, percent-encoded>&no_tty=1}. Refuses (IllegalArgumentException, naming the URI
   * but never a key) a URI that is not an SSH transport or already has a query or fragment, and a relative path.
   */
  public static String compose(String adminUri, Path keyFile) {
    URI u;
    try {
      u = new URI(adminUri);
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("\"" + adminUri + "\" is not a URI");
    }
    if (!isSsh(adminUri)) {
      throw new IllegalArgumentException("\"" + adminUri + "\" is not an SSH transport (" + SSH_SCHEMES + ")");
    }
    if (u.getRawQuery() != null || adminUri.contains("?") || u.getRawFragment() != null || adminUri.contains("#")) {
      throw new IllegalArgumentException("\"" + adminUri + "\" already has query parameters or a fragment; "
          + "only the provider adds them");
    }
    if (keyFile == null || !keyFile.isAbsolute()) {
      throw new IllegalArgumentException("the key file must be an absolute path");
    }
    return adminUri + "?keyfile=" + encode(keyFile.toString()) + "&no_tty=1";
  }

  /** The URI as the admin wrote it: without the query the provider adds (for logs and errors). */
  public static String adminPart(String uri) {
    int q = uri == null ? -1 : uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  /** Percent-encodes every byte but RFC 3986 unreserved characters and '/' (libvirt unescapes query values). */
  static String encode(String value) {
    StringBuilder b = new StringBuilder();
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~' || c == '/') {
        b.append((char) c);
      } else {
        b.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return b.toString();
  }
}
