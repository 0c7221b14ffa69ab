package io.capkit.cli;

import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The content digest of every file of an input folder, for {@code capkit render} to decide what changed since its
 * record. It sees a folder as {@code DirectoryTree} does (hidden entries skipped, regular files only, at most
 * {@link YamlDocuments#MAX_CHARS} bytes) but only looks: anything {@code DirectoryTree} would refuse — a link, a special
 * file, an unreadable file — ends the scan with {@link #of} returning null, and the caller renders everything, which
 * reports it; a file over the size limit is not read and gets the digest {@link #TOO_LARGE}. Folders are listed and
 * files read and hashed on every core.
 *
 * @param files   every regular file, relative and '/'-separated, sorted
 * @param digests path → recorded digest ({@link RenderRecord#digest}), or {@link RenderRecord#UNREAD} for skipped files
 * @param kept    the bytes of the files the caller asked to keep, hashed from exactly those bytes
 */
record InputScan(List<String> files, Map<String, String> digests, Map<String, byte[]> kept) {
  /** The digest of a file over the size limit, not read: fine for one a render does not read, else a full render. */
  static final String TOO_LARGE = "+";

  /**
   * Scans {@code root}. Files for which {@code skip} holds are listed, not read; the bytes of a file read are kept when
   * {@code keep} holds for its path and digest. Returns null when the folder is not one {@code DirectoryTree} reads.
   */
  static InputScan of(Path root, Predicate<String> skip, BiPredicate<String, String> keep) {
    return of(root, skip, keep, () -> false);
  }

  /** As {@link #of(Path, Predicate, BiPredicate)}, giving up (null) as soon as {@code stop} holds. */
  static InputScan of(Path root, Predicate<String> skip, BiPredicate<String, String> keep, BooleanSupplier stop) {
    return of(root, skip, keep, stop, null);
  }

  /**
   * What a caller may learn while the scan runs (for speed only: the scan's result is the same with or without it).
   * Both are called on scanning threads, several at once.
   */
  interface Progress {
    /** Before each level of folders is listed: every file of the levels above it, as {@link #of} would return them. */
    void level(InputScan above);

    /** A file was read and hashed (not called for skipped files or files over the size limit). */
    void read(String path, String digest);
  }

  /** As {@link #of(Path, Predicate, BiPredicate, BooleanSupplier)}, telling {@code progress} (when not null). */
  static InputScan of(Path root, Predicate<String> skip, BiPredicate<String, String> keep, BooleanSupplier stop,
                      Progress progress) {
    Path abs = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    List<Listing> listed = new ArrayList<>();
    List<Folder> level = List.of(new Folder("", null));
    int count = 0;
    try {
      // Breadth first, each level's folders in parallel (a wide tree: 10,000 cluster folders on one level); each
      // folder's files are read and hashed by the thread that listed it, so a file is looked up once.
      while (!level.isEmpty()) {
        if (stop.getAsBoolean()) {
          return null;
        }
        if (progress != null) {
          progress.level(merge(listed, count));
        }
        List<Listing> listings = level.parallelStream().map(f -> list(abs, f, skip, keep, stop, progress))
            .toList();
        List<Folder> next = new ArrayList<>();
        for (Listing l : listings) {
          if (l == null) {
            return null;
          }
          listed.add(l);
          count += l.files.size();
          next.addAll(l.folders);
        }
        level = next;
      }
    } catch (RuntimeException e) {
      return null;
    }
    return merge(listed, count);
  }

  // The scan's result from the folders listed so far ({@code count} files in all).
  private static InputScan merge(List<Listing> listed, int count) {
    String[] files = new String[count];
    Map<String, String> digests = new HashMap<>(count * 2);
    Map<String, byte[]> kept = new HashMap<>();
    int i = 0;
    for (Listing l : listed) {
      for (int k = 0; k < l.files.size(); k++) {
        files[i++] = l.files.get(k);
        digests.put(l.files.get(k), l.digests.get(k));
      }
      kept.putAll(l.kept);
    }
    Arrays.sort(files);
    return new InputScan(List.of(files), Collections.unmodifiableMap(digests), Collections.unmodifiableMap(kept));
  }

  /** One folder: its regular files (relative paths) with their digests, the bytes kept of some, its sub-folders. */
  private record Listing(List<String> files, List<String> digests, Map<String, byte[]> kept, List<Folder> folders) {}

  /** A folder to list (relative path), with its entries' names when its parent has listed them already. */
  private record Folder(String path, String[] names) {}

  // java.io.File#list: the names only, in one opendir/getdents/closedir (a DirectoryStream also dup()s the
  // descriptor and checks it, and makes a Path per entry): most folders of a fleet hold one file. Each entry is listed
  // in turn: one that lists is a folder (its names kept for the next level, which does not list it again) unless it
  // is a link to one, which the folder's link count rules out below; one that does not gets an lstat, and a regular
  // file is read (its listed size: no second stat) and hashed here. So a cluster folder costs no lstat of its own.
  // Null when the folder holds what DirectoryTree refuses (a link, a special file), a file or folder cannot be read,
  // or {@code stop} holds.
  private static Listing list(Path root, Folder f, Predicate<String> skip, BiPredicate<String, String> keep,
                              BooleanSupplier stop, Progress progress) {
    String dir = f.path();
    Path folder = dir.isEmpty() ? root : root.resolve(dir);
    java.io.File folderFile = folder.toFile();
    String[] names = f.names() != null ? f.names() : folderFile.list();
    if (names == null) {
      return null;
    }
    List<String> files = new ArrayList<>(2);
    List<String> digests = new ArrayList<>(2);
    Map<String, byte[]> kept = Map.of();
    List<Folder> folders = new ArrayList<>();
    boolean hidden = false;
    int listed = 0; // folders taken as such because they listed (a link to a folder lists too)
    Buffer buffer = null;
    try {
      for (String name : names) {
        if (name.startsWith(".")) {
          hidden = true;
          continue;
        }
        String rel = dir.isEmpty() ? name : dir + "/" + name;
        // A name without a dot (wc-1, mc-0, organizations) is listed first: most are folders. Others (cluster.yaml)
        // get their lstat first, as a file would fail to list (one failed open for nothing).
        if (name.indexOf('.') < 0) {
          String[] below = new java.io.File(folderFile, name).list();
          if (below != null) {
            folders.add(new Folder(rel, below));
            listed++;
            continue;
          }
        }
        Path p = folder.resolve(name);
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isDirectory()) {
          folders.add(new Folder(rel, null)); // listed at the next level, as any folder was before
          continue;
        }
        if (!a.isRegularFile() || stop.getAsBoolean()) {
          return null;
        }
        String digest;
        if (skip.test(rel)) {
          digest = RenderRecord.UNREAD;
        } else if (a.size() > YamlDocuments.MAX_CHARS) {
          digest = TOO_LARGE;
        } else {
          if (buffer == null) {
            buffer = BUFFER.get();
          }
          int length = read(p, a.size(), buffer);
          if (length < 0) {
            return null;
          }
          digest = digest(buffer.bytes, length, buffer.sha256);
          if (keep.test(rel, digest)) {
            if (kept.isEmpty()) {
              kept = new HashMap<>();
            }
            kept.put(rel, Arrays.copyOf(buffer.bytes, length));
          }
          if (progress != null) {
            progress.read(rel, digest);
          }
        }
        files.add(rel);
        digests.add(digest);
      }
      if (listed > 0 && !onlyFolders(folder, folders.size(), hidden)) {
        // Not shown by the link count: each entry that listed is checked to be a folder, not a link to one.
        for (Folder sub : folders) {
          if (sub.names() != null && !Files.readAttributes(root.resolve(sub.path()), BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS).isDirectory()) {
            return null;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return new Listing(files, digests, kept, folders);
  }

  /**
   * Whether the {@code folders} entries of {@code folder} taken as folders (by listing them or by their lstat) are all
   * folders, no link to one among them, from the folder's link count: a folder's count is 2 plus its sub-folders (each
   * one's {@code ..}); a link adds nothing. Read after the entries were listed, so a folder swapped for a link
   * meanwhile lowers it. False, and each entry is checked on its own, when the count cannot tell: a hidden entry (not
   * looked at, perhaps a folder), or a file system that does not count sub-folders (btrfs says 1).
   */
  private static boolean onlyFolders(Path folder, int folders, boolean hidden) throws IOException {
    if (hidden) {
      return false;
    }
    Object links = Files.getAttribute(folder, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    return links instanceof Integer n && n == 2L + folders;
  }

  /**
   * The bytes of a file whose size was {@code listed}: one read asking for that size plus one byte, which ends at the
   * listed size (no second {@code stat}, no read to see the end). A file that grew past its listed size since (or past
   * the limit) gives null, and the caller renders everything; one that shrank is read as it now is. Links are not
   * followed: a file swapped for one since it was listed fails to open, and the scan gives up.
   */
  private static int read(Path file, long listed, Buffer buffer) {
    if (listed > YamlDocuments.MAX_CHARS) {
      return -1;
    }
    int want = (int) listed + 1;
    if (buffer.bytes.length < want) {
      buffer.bytes = new byte[Math.max(want, 2 * buffer.bytes.length)];
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.wrap(buffer.bytes, 0, want);
      // Until end of file or one byte past the listed size. Once exactly the listed size is read, the read asked for
      // one byte more and got none of it: a regular file's read falls short only at its end, so the read that would
      // return -1 is not made (one read per file instead of two: 10,000 system calls in a large fleet). Anything else
      // (a file that shrank, a read cut short elsewhere) reads on as before.
      while (buf.hasRemaining() && ch.read(buf) > 0 && buf.position() != listed) {
        // keep reading
      }
      if (buf.position() > listed) {
        return -1; // grew while being scanned
      }
      return buf.position();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * One read buffer and one SHA-256 per scanning thread: a file's bytes are hashed where they were read, and copied
   * only when the caller keeps them (the few files that are not cluster files).
   */
  private static final class Buffer {
    byte[] bytes = new byte[16 * 1024];
    final MessageDigest sha256 = RenderRecord.sha256();
  }

  private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);

  static String digest(byte[] bytes) {
    return digest(bytes, bytes.length, BUFFER.get().sha256);
  }

  private static String digest(byte[] bytes, int length, MessageDigest md) {
    md.reset();
    md.update(bytes, 0, length);
    return HexFormat.of().formatHex(md.digest(), 0, 16);
  }
}
