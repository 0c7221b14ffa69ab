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
  // 10,000-cluster record is ~1.8 MB, and splitting it as text was a fifth of an up-to-date render's own work. Fields
  // are kept as offsets; a String is made only for what the record keeps, and the values most cluster lines repeat
  // (management cluster, organization, Release, namespace) are taken from the line before when their bytes are equal,
  // checked once when they change.
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
    String mc = null;
    String org = null;
    String release = null;
    String namespace = null;
    int[] from = new int[9];
    int[] to = new int[9];
    int line = 0;
    for (int pos = 0; pos < bodyLength; line++) {
      int count = 0;
      int start = pos;
      int i = pos;
      while (true) {
        byte c = bytes[i];
        if (c == '\t' || c == '\n') {
          require(count < from.length);
          from[count] = start;
          to[count++] = i;
          start = i + 1;
          if (c == '\n') {
            break;
          }
        }
        i++;
      }
      pos = i + 1;
      if (line == 0) {
        require(count == 2 && (text(bytes, from[0], to[0]) + "\t" + text(bytes, from[1], to[1])).equals(VERSION));
        continue;
      }
      int kind = kind(bytes, from[0], to[0]);
      if (pending != null && kind != WARNING) {
        clusters.put(pending[0], cluster(pending, warnings));
        pending = null;
      }
      switch (kind) {
        case BUILD -> {
          String b = text(bytes, from[1], to[1]);
          require(count == 2 && build == null && line == 1 && digest(b));
          build = b;
        }
        case OPTIONS -> {
          String o = text(bytes, from[1], to[1]);
          require(count == 2 && options == null && line == 2 && digest(o));
          options = o;
        }
        case INPUT -> {
          require(count == 3);
          String path = text(bytes, from[1], to[1]);
          String digest = text(bytes, from[2], to[2]);
          require(safePath(path) && (digest.equals(UNREAD) || digest(digest)));
          require(inputs.put(path, digest) == null);
        }
        case ORG -> {
          require(count == 5);
          String[] f = new String[5];
          for (int k = 1; k < 5; k++) {
            f[k] = text(bytes, from[k], to[k]);
          }
          require(label(f[1]) && label(f[2]) && label(f[3]) && (f[4].equals("-1") || size(f[4])));
          Org o = new Org(f[1], f[2], f[3], Long.parseLong(f[4]));
          require(orgs.put(o.key(), o) == null);
        }
        case CLUSTER -> {
          require(count == 9);
          boolean placeChanged = !same(mc, bytes, from[1], to[1]) | !same(org, bytes, from[2], to[2]);
          if (placeChanged) {
            mc = text(bytes, from[1], to[1]);
            org = text(bytes, from[2], to[2]);
            require(label(mc) && label(org) && orgs.containsKey(mc + "/" + org));
          }
          if (!same(release, bytes, from[6], to[6])) {
            release = text(bytes, from[6], to[6]);
            require(release(release));
          }
          if (!same(namespace, bytes, from[7], to[7])) {
            namespace = text(bytes, from[7], to[7]);
            require(label(namespace));
          }
          String name = text(bytes, from[3], to[3]);
          String fileDigest = text(bytes, from[4], to[4]);
          String context = text(bytes, from[5], to[5]);
          String size = text(bytes, from[8], to[8]);
          require(label(name) && digest(fileDigest) && digest(context) && size(size));
          String path = clusterPath(mc, org, name);
          // Clusters are written in fleet (path) order; anything else was not written by capkit.
          require(previousPath == null || path.compareTo(previousPath) > 0);
          previousPath = path;
          pending = new String[] {path, mc, org, name, fileDigest, context, release, namespace, size};
          warnings.clear();
        }
        case WARNING -> {
          require(count == 2 && pending != null);
          warnings.add(unescape(text(bytes, from[1], to[1])));
        }
        case FILE_LINE -> {
          require(count == 3);
          String path = text(bytes, from[1], to[1]);
          String size = text(bytes, from[2], to[2]);
          require(safePath(path) && size(size));
          require(files.put(path, Long.parseLong(size)) == null);
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

  private static final int UNKNOWN = 0;
  private static final int BUILD = 1;
  private static final int OPTIONS = 2;
  private static final int INPUT = 3;
  private static final int ORG = 4;
  private static final int CLUSTER = 5;
  private static final int WARNING = 6;
  private static final int FILE_LINE = 7;
  private static final String[] KINDS = {"", "build", "options", "input", "org", "cluster", "warning", "file"};

  // Which line a first field names, compared as bytes (no String per line).
  private static int kind(byte[] bytes, int from, int to) {
    for (int k = 1; k < KINDS.length; k++) {
      if (same(KINDS[k], bytes, from, to)) {
        return k;
      }
    }
    return UNKNOWN;
  }

  // Whether bytes[from, to) are exactly the ASCII string s (false for null or any byte outside ASCII).
  private static boolean same(String s, byte[] bytes, int from, int to) {
    if (s == null || s.length() != to - from) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (bytes[i] != s.charAt(i - from) || bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
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
