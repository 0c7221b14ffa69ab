package io.capkit.provider.libvirt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The KVMHosts' SSH private keys as files libvirt's {@code keyfile=} can read: one file per host in a directory
 * only the provider's user can enter (0700), each file 0600 from its creation, written to a temporary name and
 * moved into place atomically, rewritten only when the Secret's resourceVersion changes; {@link #close()} deletes
 * them all. The key bytes are never logged or put into a message.
 */
public final class SshKeyFiles implements AutoCloseable {
  private final Path dir;
  private final Map<String, String> versions = new ConcurrentHashMap<>();

  private SshKeyFiles(Path dir) {
    this.dir = dir;
  }

  /** A new private directory under the system temporary directory. */
  public static SshKeyFiles create() {
    try {
      return new SshKeyFiles(Files.createTempDirectory("capkit-ssh-keys-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the provider's SSH key directory", e);
    }
  }

  public Path directory() {
    return dir;
  }

  /**
   * The file holding host {@code host}'s key as of Secret {@code resourceVersion}: written when it is new or the
   * version changed, else the file as it is. {@code host} is a KVMHost name (a DNS label, so a safe file name).
   */
  public synchronized Path write(String host, String resourceVersion, byte[] key) {
    if (host == null || !host.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("\"" + host + "\" is not a KVMHost name");
    }
    Path file = dir.resolve(host + ".key");
    if (resourceVersion != null && resourceVersion.equals(versions.get(host)) && Files.exists(file)) {
      return file;
    }
    Path tmp = dir.resolve("." + host + ".key.tmp");
    try {
      Files.deleteIfExists(tmp);
      try (FileChannel ch = FileChannel.open(tmp, Set0600.OPTIONS, Set0600.ATTRIBUTE)) {
        ByteBuffer b = ByteBuffer.wrap(key);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // The message names the file, never its content.
      throw new UncheckedIOException("cannot write the SSH key file for KVMHost " + host, e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
    versions.put(host, resourceVersion == null ? "" : resourceVersion);
    return file;
  }

  /** Deletes host {@code host}'s key file (its Secret or reference is gone). */
  public synchronized void forget(String host) {
    versions.remove(host);
    try {
      Files.deleteIfExists(dir.resolve(host + ".key"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the SSH key file for KVMHost " + host, e);
    }
  }

  @Override
  public synchronized void close() {
    versions.clear();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the provider's SSH key directory " + dir, e);
    }
  }

  private static final class Set0600 {
    static final java.util.Set<StandardOpenOption> OPTIONS = java.util.Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    static final java.nio.file.attribute.FileAttribute<?> ATTRIBUTE = PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------"));
  }
}
