package io.capkit.provider.libvirt;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A view of a test-driver connection that ignores {@code close()}: the test driver's state lives in the connection,
 * so a provider that stops (or drops a connection after an error) must not destroy the state the next one reuses.
 */
public final class SharedBackend {
  private SharedBackend() {}

  public static LibvirtBackend of(LibvirtBackend delegate) {
    return (LibvirtBackend) Proxy.newProxyInstance(LibvirtBackend.class.getClassLoader(),
        new Class<?>[] {LibvirtBackend.class}, (proxy, method, args) -> {
          if (method.getName().equals("close") && method.getParameterCount() == 0) {
            return null;
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
