package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * The right to write one output folder: an exclusive lock on a file beside it, held by one render at a time, in this
 * process or another; the operating system drops it when the process dies. The file is deleted on release, so a
 * render that locked the file just before it was deleted checks that the path still names its file (its own token is
 * in it) and otherwise steps back, as if refused.
 */
final class OutputLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean closed;

  private OutputLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or throws {@link InvalidInputException} naming {@code out} when another render holds it. */
  static OutputLock acquire(Path file, Path out) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock = null;
    try {
      lock = tryLock(channel);
      if (lock != null) {
        Object key = owns(file, channel);
        if (key != null) {
          // owns() read the file through a descriptor of its own; closing it dropped this process's lock on the file
          // (POSIX record locks belong to the process and go with any descriptor of the file that is closed; the
          // JVM still lists it). Take it again, and check that the path still names the file locked.
          lock.release();
          lock = tryLock(channel);
          if (lock != null && key.equals(fileKey(file))) {
            OutputLock held = new OutputLock(file, channel, lock);
            channel = null;
            return held;
          }
        }
      }
      throw new InvalidInputException(new Problem(out.toString(), null,
          "another capkit render is writing this folder right now; nothing was written, run again once it is done"));
    } finally {
      if (channel != null) {
        if (lock != null && lock.isValid()) {
          lock.release();
        }
        channel.close();
      }
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  // The file at the path, or null when there is none (stat only: opening the file would drop the lock).
  private static Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** The file key of the lock file when the path still names the file this channel locked, else null. */
  private static Object owns(Path file, FileChannel channel) throws IOException {
    byte[] token = UniqueName.next().getBytes(StandardCharsets.US_ASCII);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(token), 0);
    Object key = fileKey(file);
    try {
      boolean same = Arrays.equals(token, Files.readAllBytes(file));
      return same && key != null && key.equals(fileKey(file)) ? key : null;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Releases the lock and deletes its file; a second call does nothing (the file may be another render's by then). */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Files.deleteIfExists(file);
    } finally {
      lock.release();
      channel.close();
    }
  }
}
