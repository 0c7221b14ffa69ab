package io.capkit.provider.libvirt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One open {@link LibvirtBackend} per URI, opened on first use. A connection that stopped answering is closed and
 * opened again on the next request, so a host that comes back is picked up without a restart.
 */
public final class LibvirtConnections implements AutoCloseable {
  private final Function<String, LibvirtBackend> opener;
  private final Map<String, LibvirtBackend> open = new ConcurrentHashMap<>();

  public LibvirtConnections(Function<String, LibvirtBackend> opener) {
    this.opener = opener;
  }

  /**
   * Connections through the libvirt Java bindings; {@value EmbeddedHost#URI} opens the {@link EmbeddedHost}. Logs and
   * errors name the admin's URI, without the parameters the provider added ({@link SshKeyUri}).
   */
  public static LibvirtConnections jna() {
    return new LibvirtConnections(uri -> EmbeddedHost.URI.equals(uri) ? EmbeddedHost.open()
        : JnaLibvirtBackend.open(uri, SshKeyUri.adminPart(uri)));
  }

  /** The backend for a URI; throws {@link LibvirtCallException} (UNREACHABLE) when it cannot be opened. */
  public LibvirtBackend get(String uri) {
    return open.computeIfAbsent(uri, opener);
  }

  /** Drops a connection after an UNREACHABLE error so the next call reconnects. */
  public void invalidate(String uri) {
    LibvirtBackend b = open.remove(uri);
    if (b != null) {
      b.close();
    }
  }

  @Override
  public void close() {
    open.keySet().forEach(this::invalidate);
  }
}
