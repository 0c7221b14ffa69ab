package io.capkit.cli;

import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The content digest of every file of an input folder, for {@code capkit render} to decide what changed since its
 * record. It sees a folder as {@code DirectoryTree} does (hidden entries skipped, regular files only, at most
 * {@link YamlDocuments#MAX_CHARS} bytes) but only looks: anything {@code DirectoryTree} would refuse — a link, a special
 * file, an unreadable file, or one over the size limit that is to be read — ends the scan with {@link #of} returning null, and the caller renders
 * everything, which reports it. Folders are listed and files read and hashed on every core.
 *
 * @param files   every regular file, relative and '/'-separated, sorted
 * @param digests path → recorded digest ({@link RenderRecord#digest}), or {@link RenderRecord#UNREAD} for skipped files
 * @param kept    the bytes of the files the caller asked to keep, hashed from exactly those bytes
 */
record InputScan(List<String> files, Map<String, String> digests, Map<String, byte[]> kept) {

  /**
   * Scans {@code root}. Files for which {@code skip} holds are listed, not read; the bytes of a file read are kept when
   * {@code keep} holds for its path and digest. Returns null when the folder is not one {@code DirectoryTree} reads.
   */
  static InputScan of(Path root, Predicate<String> skip, BiPredicate<String, String> keep) {
    Path abs = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    List<String> found = new ArrayList<>();
    List<String> level = List.of("");
    try {
      // Breadth first, each level's folders listed in parallel: listing is most of the cost of a wide tree.
      while (!level.isEmpty()) {
        List<Listing> listings = level.parallelStream().map(dir -> list(abs, dir)).toList();
        List<String> next = new ArrayList<>();
        for (Listing l : listings) {
          if (l == null) {
            return null;
          }
          found.addAll(l.files);
          next.addAll(l.folders);
        }
        level = next;
      }
    } catch (RuntimeException e) {
      return null;
    }
    found.sort(null);
    Map<String, String> digests = new ConcurrentHashMap<>(found.size() * 2);
    Map<String, byte[]> kept = new ConcurrentHashMap<>();
    boolean ok = found.parallelStream().allMatch(path -> {
      if (skip.test(path)) {
        digests.put(path, RenderRecord.UNREAD);
        return true;
      }
      byte[] bytes = read(abs.resolve(path));
      if (bytes == null) {
        return false;
      }
      String digest = digest(bytes);
      digests.put(path, digest);
      if (keep.test(path, digest)) {
        kept.put(path, bytes);
      }
      return true;
    });
    return ok ? new InputScan(List.copyOf(found), digests, kept) : null;
  }

  private record Listing(List<String> files, List<String> folders) {}

  private static Listing list(Path root, String dir) {
    List<String> files = new ArrayList<>();
    List<String> folders = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.isEmpty() ? root : root.resolve(dir))) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String rel = dir.isEmpty() ? name : dir + "/" + name;
        if (a.isDirectory()) {
          folders.add(rel);
        } else if (a.isRegularFile()) {
          files.add(rel);
        } else {
          return null;
        }
      }
    } catch (IOException e) {
      return null;
    }
    return new Listing(files, folders);
  }

  // Links are not followed: a file swapped for one since it was listed fails to open, and the scan gives up.
  private static byte[] read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size > YamlDocuments.MAX_CHARS) {
        return null;
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size + 1);
      while (ch.read(buf) > 0 && buf.hasRemaining()) {
        // keep reading until end of file or one byte past the size seen
      }
      if (buf.position() > size) {
        return null; // grew while being read
      }
      byte[] out = new byte[buf.position()];
      buf.flip().get(out);
      return out;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(RenderRecord::sha256);

  static String digest(byte[] bytes) {
    MessageDigest md = SHA256.get();
    md.reset();
    return HexFormat.of().formatHex(md.digest(bytes), 0, 16);
  }
}
