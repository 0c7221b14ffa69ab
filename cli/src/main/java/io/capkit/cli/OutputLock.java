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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;

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
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock != null && owns(file, channel)) {
        OutputLock held = new OutputLock(file, channel, lock);
        channel = null;
        return held;
      }
      throw new InvalidInputException(new Problem(out.toString(), null,
          "another capkit render is writing this folder right now; nothing was written, run again once it is done"));
    } finally {
      if (channel != null) {
        if (lock != null) {
          lock.release();
        }
        channel.close();
      }
    }
  }

  private static boolean owns(Path file, FileChannel channel) throws IOException {
    byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(token), 0);
    try {
      return Arrays.equals(token, Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      Files.deleteIfExists(file);
    } finally {
      lock.release();
      channel.close();
    }
  }
}
