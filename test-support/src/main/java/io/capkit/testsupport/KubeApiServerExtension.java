package io.capkit.testsupport;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one real API server per test JVM (shared by every test class that uses it), with
 * capkit's and the upstream CRDs installed and Established. Injects {@link KubernetesClient} and
 * {@link EmbeddedApiServer} parameters. Start-up time and memory are printed to the test log.
 */
public final class KubeApiServerExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KubeApiServerExtension.class);

  /** Holds the server in the root store so it is closed once, after the last test. */
  private record Shared(EmbeddedApiServer server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      server.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> t = p.getParameter().getType();
    return t == KubernetesClient.class || t == EmbeddedApiServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    EmbeddedApiServer server = server(e);
    return p.getParameter().getType() == KubernetesClient.class ? server.client() : server;
  }

  static EmbeddedApiServer server(ExtensionContext e) {
    Shared shared = e.getRoot().getStore(NS).getOrComputeIfAbsent(Shared.class, k -> {
      EmbeddedApiServer s = new EmbeddedApiServer(List.of()).start();
      long t0 = System.nanoTime();
      int crds;
      try {
        crds = s.installCrds(CrdSources.all()).size();
      } catch (RuntimeException ex) {
        s.close();
        throw new ParameterResolutionException(ex.getMessage(), ex);
      }
      System.out.printf(java.util.Locale.ROOT,
          "[kube-apiserver %s] started in %d ms, %d CRDs established in %d ms, RSS (apiserver+etcd) %d MiB%n",
          s.version(), s.startMillis(), crds, (System.nanoTime() - t0) / 1_000_000, s.residentKib() / 1024);
      return new Shared(s);
    }, Shared.class);
    return shared.server();
  }
}
