package io.capkit.provider.libvirt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host behind {@value #URI}: libvirt's test driver (no daemon) started from the node description in
 * {@code embedded-host.xml} (pool {@code default} with the contract's default base image, network {@code default}),
 * not from the driver's own default node, which has neither. The driver reads the file once when a connection
 * opens and keeps the state in memory for that connection, so the file is removed right after.
 */
public final class EmbeddedHost {
  /** What users write (the provider's default URI); every host naming it gets this state. */
  public static final String URI = "test:///default";
  private static final String RESOURCE = "embedded-host.xml";

  private EmbeddedHost() {}

  /** A new connection to a fresh embedded host; messages name it {@value #URI}. */
  public static JnaLibvirtBackend open() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("capkit-embedded-host");
      Path node = dir.resolve("node.xml");
      try (InputStream in = EmbeddedHost.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the provider jar");
        }
        Files.copy(in, node);
      }
      return JnaLibvirtBackend.open("test://" + node.toAbsolutePath(), URI);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the embedded host's node description", e);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.deleteIfExists(dir.resolve("node.xml"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // A leftover file in the temp folder is harmless; the connection holds its state in memory.
    }
  }
}
