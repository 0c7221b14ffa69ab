package io.capkit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which capkit renders: a digest of the code that decides the output bytes, so that a new capkit re-renders
 * everything. From a jar, its central directory (name, CRC-32 of the content, size and time of each entry; nothing is
 * decompressed), so a rebuilt jar counts as a new capkit; from a folder of classes, the path and content of each file. It covers
 * capkit's modules and the libraries that read and write YAML; in the shaded {@code capkit.jar} that is one jar.
 */
final class BuildIdentity {
  // One class (as a resource: nothing is loaded) from each place whose code shapes the output.
  private static final List<String> ANCHORS = List.of(
      "io/capkit/cli/RenderCommand.class",
      "io/capkit/renderer/Renderer.class",
      "io/capkit/api/contract/Contract.class",
      "org/snakeyaml/engine/v2/api/Load.class",
      "com/fasterxml/jackson/databind/ObjectMapper.class",
      "io/fabric8/kubernetes/api/model/ObjectMeta.class");
  private static volatile String current;

  private BuildIdentity() {}

  /** The identity of the running capkit, computed once per process. */
  static String current() {
    String id = current;
    if (id == null) {
      id = compute(BuildIdentity.class.getClassLoader());
      current = id;
    }
    return id;
  }

  static String compute(ClassLoader loader) {
    TreeSet<String> roots = new TreeSet<>();
    for (String anchor : ANCHORS) {
      URL url = loader.getResource(anchor);
      if (url != null) {
        roots.add(root(url, anchor));
      }
    }
    MessageDigest md = RenderRecord.sha256();
    for (String root : roots) {
      md.update(digest(root).getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest(), 0, 16);
  }

  // "jar:file:/x/capkit.jar!/a/B.class" → "jar /x/capkit.jar"; "file:/x/classes/a/B.class" → "dir /x/classes".
  private static String root(URL url, String anchor) {
    try {
      String s = url.toString();
      if (s.startsWith("jar:file:")) {
        String file = s.substring("jar:".length(), s.indexOf("!/"));
        return "jar " + Path.of(new java.net.URI(file));
      }
      if (s.startsWith("file:")) {
        Path p = Path.of(url.toURI());
        for (int i = anchor.split("/").length; i > 0; i--) {
          p = p.getParent();
        }
        return "dir " + p;
      }
      return "other " + s;
    } catch (URISyntaxException | RuntimeException e) {
      return "other " + url;
    }
  }

  /**
   * The jar's central directory (name, CRC-32 and size of every entry), read raw and checked by CRC-32C, CRC-32 and
   * length: hashing it with SHA-256 in a JVM that just started costs more than the rest of an up-to-date render.
   */
  static String centralDirectoryCheck(Path jar) {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(jar)) {
      long size = ch.size();
      int tail = (int) Math.min(size, 65_557); // end record (22 bytes) + longest comment (65,535)
      java.nio.ByteBuffer end = java.nio.ByteBuffer.allocate(tail).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      ch.read(end, size - tail);
      for (int i = tail - 22; i >= 0; i--) {
        if (end.getInt(i) == 0x06054b50) {
          long cdSize = Integer.toUnsignedLong(end.getInt(i + 12));
          long cdOffset = Integer.toUnsignedLong(end.getInt(i + 16));
          if (cdSize > Integer.MAX_VALUE || cdOffset + cdSize > size) {
            break;
          }
          // Read and checked 64 KB at a time (the same sums as over the whole): a 2 MB array for an 18,500-entry jar
          // was a twentieth of what an incremental render allocates before its one young collection.
          java.util.zip.CRC32C c = new java.util.zip.CRC32C();
          java.util.zip.CRC32 d = new java.util.zip.CRC32();
          java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate((int) Math.min(cdSize, 64 * 1024));
          long read = 0;
          while (read < cdSize) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), cdSize - read));
            int n = ch.read(chunk, cdOffset + read);
            if (n <= 0) {
              throw new IOException(jar + ": central directory cut short");
            }
            c.update(chunk.array(), 0, n);
            d.update(chunk.array(), 0, n);
            read += n;
          }
          return Long.toHexString(c.getValue()) + Long.toHexString(d.getValue()) + "-" + cdSize;
        }
      }
      throw new IOException(jar + ": no zip end record");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest(String root) {
    MessageDigest md = RenderRecord.sha256();
    if (root.startsWith("jar ")) {
      md.update(centralDirectoryCheck(Path.of(root.substring(4))).getBytes(StandardCharsets.UTF_8));
    } else if (root.startsWith("dir ")) {
      Path dir = Path.of(root.substring(4));
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
          md.update((dir.relativize(p) + "\n").getBytes(StandardCharsets.UTF_8));
          md.update(Files.readAllBytes(p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      md.update(root.getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
