package io.capkit.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the last full or incremental {@code capkit render} of an output folder was made from: the file
 * {@value #FILE} at the output's root. It names no manifest extension ({@code .yaml}, {@code .yml}, {@code .json}) and
 * starts with a dot, so neither Flux (kustomize lists only the files of {@code kustomization.yaml}) nor an Argo CD
 * directory source applies it, and {@code capkit validate} skips it.
 *
 * <p>A text file, one fact per line, fields separated by a tab: the format version, capkit's build identity, a digest
 * of the render options, the digest of every non-cluster input file (or {@code -}: listed but not read by the
 * renderer), per organization its default namespace and the size of its {@code helm-repositories.yaml}, per cluster
 * the digest of its file and of its context (build, options, the defaults and KVMHost files of its management cluster
 * and organization, its Release), its Release, namespace, the size of its {@code manifests.yaml} and its warnings,
 * the size of every other generated file, and last a check (CRC-32C and length) of all lines before it. Anything that does not parse
 * exactly — truncated, edited, another version, a name that is not a DNS label, a path that leaves the tree — makes
 * {@link #parse} return null, and the caller renders everything.
 */
record RenderRecord(String build, String options, Map<String, String> inputs, Map<String, Org> orgs,
                    Map<String, Cluster> clusters, Map<String, Long> files) {
  static final String FILE = ".capkit-render-record";
  static final String VERSION = "capkit-render-record\t1";
  /** Larger than any honest record of a fleet this tool serves; anything bigger is not read. */
  static final int MAX_BYTES = 256 * 1024 * 1024;
  static final String UNREAD = "-";

  /** An organization {@code <mc>/<org>}: its default namespace, the size of its HelmRepositories file or -1. */
  record Org(String managementCluster, String organization, String namespace, long helmRepositoriesSize) {
    String key() {
      return managementCluster + "/" + organization;
    }

    String folder() {
      return "management-clusters/" + managementCluster + "/organizations/" + organization;
    }
  }

  /** One rendered cluster, keyed by its fleet path. */
  record Cluster(String managementCluster, String organization, String name, String fileDigest, String context,
                 String release, String namespace, long manifestsSize, List<String> warnings) {
    String path() {
      return folder() + "/cluster.yaml";
    }

    String folder() {
      return "management-clusters/" + managementCluster + "/organizations/" + organization + "/workload-clusters/"
          + name;
    }

    String orgKey() {
      return managementCluster + "/" + organization;
    }
  }

  static String clusterPath(String mc, String org, String name) {
    return "management-clusters/" + mc + "/organizations/" + org + "/workload-clusters/" + name + "/cluster.yaml";
  }

  byte[] format() {
    StringBuilder b = new StringBuilder(64 + clusters.size() * 200);
    b.append(VERSION).append('\n');
    line(b, "build", build);
    line(b, "options", options);
    inputs.forEach((path, digest) -> line(b, "input", path, digest));
    orgs.values().forEach(o -> line(b, "org", o.managementCluster(), o.organization(), o.namespace(),
        Long.toString(o.helmRepositoriesSize())));
    clusters.values().forEach(c -> {
      line(b, "cluster", c.managementCluster(), c.organization(), c.name(), c.fileDigest(), c.context(), c.release(),
          c.namespace(), Long.toString(c.manifestsSize()));
      c.warnings().forEach(w -> line(b, "warning", escape(w)));
    });
    files.forEach((path, size) -> line(b, "file", path, Long.toString(size)));
    byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
    byte[] end = ("end\t" + check(body) + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] all = java.util.Arrays.copyOf(body, body.length + end.length);
    System.arraycopy(end, 0, all, body.length, end.length);
    return all;
  }

  private static void line(StringBuilder b, String kind, String... fields) {
    b.append(kind);
    for (String f : fields) {
      b.append('\t').append(f);
    }
    b.append('\n');
  }

  /** The record in {@code bytes}, or null when they are not exactly a record this version writes. */
  static RenderRecord parse(byte[] bytes) {
    try {
      return parseOrThrow(bytes);
    } catch (RuntimeException e) {
      return null;
    }
  }

  // Read straight from the bytes, a line and a field at a time (no copy of the body, no String per line): a
  // 10,000-cluster record is ~1.8 MB, and splitting it as text was a fifth of an up-to-date render's own work.
  private static RenderRecord parseOrThrow(byte[] bytes) {
    int n = bytes.length;
    require(n >= 2 && bytes[n - 1] == '\n');
    int endAt = n - 2;
    while (endAt >= 0 && bytes[endAt] != '\n') {
      endAt--;
    }
    require(endAt > 0);
    int bodyLength = endAt + 1;
    String trailer = new String(bytes, bodyLength, n - bodyLength, StandardCharsets.UTF_8);
    require(trailer.equals("end\t" + check(bytes, bodyLength) + "\n"));
    String build = null;
    String options = null;
    Map<String, String> inputs = new TreeMap<>();
    Map<String, Org> orgs = new TreeMap<>();
    Map<String, Cluster> clusters = new LinkedHashMap<>();
    Map<String, Long> files = new TreeMap<>();
    String[] pending = null; // the last cluster line's fields, until its warnings are read
    List<String> warnings = new ArrayList<>();
    String previousPath = null;
    String[] f = new String[9];
    int line = 0;
    for (int pos = 0; pos < bodyLength; line++) {
      int count = 0;
      int start = pos;
      int i = pos;
      while (true) {
        byte c = bytes[i];
        if (c == '\t' || c == '\n') {
          require(count < f.length);
          f[count++] = new String(bytes, start, i - start, StandardCharsets.UTF_8);
          start = i + 1;
          if (c == '\n') {
            break;
          }
        }
        i++;
      }
      pos = i + 1;
      if (line == 0) {
        require(count == 2 && (f[0] + "\t" + f[1]).equals(VERSION));
        continue;
      }
      if (pending != null && !f[0].equals("warning")) {
        clusters.put(pending[0], cluster(pending, warnings));
        pending = null;
      }
      switch (f[0]) {
        case "build" -> {
          require(count == 2 && build == null && line == 1 && digest(f[1]));
          build = f[1];
        }
        case "options" -> {
          require(count == 2 && options == null && line == 2 && digest(f[1]));
          options = f[1];
        }
        case "input" -> {
          require(count == 3 && safePath(f[1]) && (f[2].equals(UNREAD) || digest(f[2])));
          require(inputs.put(f[1], f[2]) == null);
        }
        case "org" -> {
          require(count == 5 && label(f[1]) && label(f[2]) && label(f[3]) && (f[4].equals("-1") || size(f[4])));
          Org o = new Org(f[1], f[2], f[3], Long.parseLong(f[4]));
          require(orgs.put(o.key(), o) == null);
        }
        case "cluster" -> {
          require(count == 9 && label(f[1]) && label(f[2]) && label(f[3]) && digest(f[4])
              && digest(f[5]) && release(f[6]) && label(f[7]) && size(f[8]));
          require(orgs.containsKey(f[1] + "/" + f[2]));
          String path = clusterPath(f[1], f[2], f[3]);
          // Clusters are written in fleet (path) order; anything else was not written by capkit.
          require(previousPath == null || path.compareTo(previousPath) > 0);
          previousPath = path;
          pending = new String[] {path, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]};
          warnings.clear();
        }
        case "warning" -> {
          require(count == 2 && pending != null);
          warnings.add(unescape(f[1]));
        }
        case "file" -> {
          require(count == 3 && safePath(f[1]) && size(f[2]));
          require(files.put(f[1], Long.parseLong(f[2])) == null);
        }
        default -> throw new IllegalArgumentException("unknown line");
      }
    }
    if (pending != null) {
      clusters.put(pending[0], cluster(pending, warnings));
    }
    require(line >= 3 && build != null && options != null);
    return new RenderRecord(build, options, inputs, orgs, clusters, files);
  }

  private static Cluster cluster(String[] p, List<String> warnings) {
    return new Cluster(p[1], p[2], p[3], p[4], p[5], p[6], p[7], Long.parseLong(p[8]), List.copyOf(warnings));
  }

  private static void require(boolean ok) {
    if (!ok) {
      throw new IllegalArgumentException("not a render record");
    }
  }

  // Hand-written checks (a DNS label; a size without leading zeros; 32 lower-case hex digits): a record has a line per
  // cluster, and regular expressions made parsing a 10,000-cluster record a third of an up-to-date render.
  private static boolean label(String s) {
    int n = s.length();
    if (n == 0 || n > 63 || s.charAt(0) == '-' || s.charAt(n - 1) == '-') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean size(String s) {
    int n = s.length();
    if (n == 0 || n > 12 || (n > 1 && s.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  static boolean digest(String s) {
    if (s.length() != 32) {
      return false;
    }
    for (int i = 0; i < 32; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  // Release names are vX.Y.Z folders; the record only compares them, but keeps them to a safe alphabet.
  private static boolean release(String s) {
    int n = s.length();
    if (n == 0 || n > 128 || !Character.isLetterOrDigit(s.charAt(0))) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '+' || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** A relative, '/'-separated path with no empty, '.' or '..' part: never leaves the tree it is relative to. */
  static boolean safePath(String p) {
    if (p.isEmpty() || p.length() > 4096 || p.startsWith("/") || p.indexOf('\\') >= 0 || p.indexOf('\0') >= 0) {
      return false;
    }
    for (String part : p.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s; // most warnings: nothing escaped (a record holds thousands of them)
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      require(i + 1 < s.length());
      char n = s.charAt(++i);
      switch (n) {
        case '\\' -> b.append('\\');
        case 't' -> b.append('\t');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        default -> throw new IllegalArgumentException("bad escape");
      }
    }
    return b.toString();
  }

  /** The trailer's check of the lines before it: catches a truncated or damaged record (CRC-32C and length). */
  static String check(byte[] body) {
    return check(body, body.length);
  }

  private static String check(byte[] bytes, int length) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, 0, length);
    return Long.toHexString(crc.getValue()) + "-" + length;
  }

  /** The recorded form of a digest: the first 128 bits of SHA-256, in hex. */
  static String digest(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes), 0, 16);
  }

  /** A digest of several strings, each length-prefixed so that no two lists share one. */
  static String digestOf(String... parts) {
    MessageDigest md = sha256();
    for (String p : parts) {
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      md.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
      md.update(b);
    }
    return HexFormat.of().formatHex(md.digest(), 0, 16);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
