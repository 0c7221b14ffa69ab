package io.capkit.provider.runtime;

import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.SharedBackend;
import io.capkit.provider.libvirt.TestDriver;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Set;

/**
 * The provider as an IT class runs it: one libvirt test-driver node under {@code dir} (through the real bindings)
 * serves every host URI, the HTTP endpoints on a free loopback port, and only {@code namespaces} watched, so other
 * classes on the JVM's shared API server are left alone.
 */
final class TestDriverProvider implements AutoCloseable {
  final LibvirtBackend libvirt;
  final KvmProvider provider;

  private TestDriverProvider(LibvirtBackend libvirt, KvmProvider provider) {
    this.libvirt = libvirt;
    this.provider = provider;
  }

  static TestDriverProvider start(Path dir, KubernetesClient client, Set<String> namespaces) {
    LibvirtBackend libvirt = JnaLibvirtBackend.open(TestDriver.uri(dir));
    try {
      KvmProvider provider = KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0)
          .withNamespaces(namespaces), client, new LibvirtConnections(uri -> SharedBackend.of(libvirt)));
      return new TestDriverProvider(libvirt, provider);
    } catch (RuntimeException e) {
      libvirt.close();
      throw e;
    }
  }

  /** For {@code @AfterAll}: closes what {@link #start} opened; null (start failed) is fine. */
  static void close(TestDriverProvider running) {
    if (running != null) {
      running.close();
    }
  }

  @Override
  public void close() {
    try {
      provider.close();
    } finally {
      libvirt.close();
    }
  }
}
