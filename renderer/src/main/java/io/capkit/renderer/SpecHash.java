package io.capkit.renderer;

import io.capkit.renderer.yaml.Placeholder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The short hash that goes into the names of immutable templates: the first 8 hex digits of the SHA-256 of
 * the spec in canonical JSON (keys sorted), so any change of a value gives a new name and a rollout.
 */
public final class SpecHash {
  private SpecHash() {}

  public static String of(Object spec) {
    StringBuilder b = new StringBuilder(256);
    canonical(b, spec);
    // Clusters of a fleet share few distinct specs: a hash is remembered per canonical form (bounded, per thread).
    return KNOWN.get(b.toString(), SpecHash::digest);
  }

  private static final ThreadMemo<String, String> KNOWN = new ThreadMemo<>(512);

  private static String digest(String canonical) {
    byte[] digest = SHA256.get().digest(canonical.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 4);
  }

  // Looking a digest up by name walks the security providers: once per thread, not once per template.
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  });

  private static void canonical(StringBuilder b, Object v) {
    if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      // Keys sorted as a TreeMap would (String.compareTo), without building one per map.
      String[] keys = new String[m.size()];
      int n = 0;
      for (Object k : m.keySet()) {
        keys[n++] = (String) k;
      }
      Arrays.sort(keys);
      for (String k : keys) {
        if (!first) {
          b.append(',');
        }
        first = false;
        string(b, k);
        b.append(':');
        canonical(b, m.get(k));
      }
      b.append('}');
    } else if (v instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        canonical(b, l.get(i));
      }
      b.append(']');
    } else if (v instanceof String s) {
      string(b, s);
    } else if (v instanceof Placeholder p) {
      string(b, p.text());
    } else {
      b.append(v);
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    b.append('"');
  }
}
