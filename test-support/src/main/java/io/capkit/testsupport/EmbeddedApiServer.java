package io.capkit.testsupport;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kube-apiserver + etcd (io.fabric8:kube-api-test, binaries built by hack/ensure-test-binaries.sh),
 * used by the integration tests and by {@code capkit demo}. Never downloads anything.
 */
public final class EmbeddedApiServer implements AutoCloseable {
  private final KubeAPIServer server;
  private KubernetesClient client;
  private String kubeconfig;
  private long startMillis;
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  public EmbeddedApiServer() {
    this(List.of());
  }

  /** @param flags extra kube-apiserver flags, e.g. {@code --enable-admission-plugins=...} */
  public EmbeddedApiServer(List<String> flags) {
    KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withOfflineMode(true)
        .withStartupTimeout(120_000)
        .withApiServerFlags(flags);
    String version = System.getenv("CAPKIT_KUBE_VERSION");
    if (version != null && !version.isBlank()) {
      config.withApiServerVersion(version.startsWith("v") ? version.substring(1) : version);
    }
    this.server = new KubeAPIServer(config.build());
  }

  /** Starts etcd and the API server and waits until it answers. */
  public EmbeddedApiServer start() {
    long t0 = System.nanoTime();
    try {
      server.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException("could not start the embedded kube-apiserver (" + e.getMessage()
          + "); run hack/ensure-test-binaries.sh to build the binaries", e);
    }
    kubeconfig = server.getKubeConfigYaml();
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("capkit-warnings", new Interceptor() {
          @Override
          public void after(HttpRequest request, HttpResponse<?> response,
                            AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            List<String> w = response.headers("Warning");
            if (w != null) {
              w.forEach(text -> warnings.add(request.method() + " " + request.uri().getPath() + ": " + text));
            }
          }
        }))
        .build();
    startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    return this;
  }

  public KubernetesClient client() {
    return client;
  }

  /** A kubeconfig for this server (holds a client key: keep it out of logs). */
  public String kubeconfigYaml() {
    return kubeconfig;
  }

  /** Every {@code Warning} header the server sent to {@link #client()} so far. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  public void clearWarnings() {
    warnings.clear();
  }

  public long startMillis() {
    return startMillis;
  }

  /** Resident memory of the kube-apiserver and etcd processes this JVM started, in KiB. */
  public long residentKib() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/kube-apiserver") || c.endsWith("/etcd"))
            .orElse(false))
        .mapToLong(p -> rssKib(p.pid())).sum();
  }

  /** The server's gitVersion, e.g. v1.37.2. */
  public String version() {
    return client.getKubernetesVersion().getGitVersion();
  }

  /**
   * Creates every CRD found in the given files or folders (YAML, one CRD per document) with server-side
   * apply and waits until each is Established. A CRD the server rejects fails with the server's message.
   */
  public List<CustomResourceDefinition> installCrds(List<Path> sources) {
    List<CustomResourceDefinition> installed = new ArrayList<>();
    for (Path file : yamlFiles(sources)) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (String doc : text.split("(?m)^---\\s*$")) {
        if (doc.isBlank() || !doc.contains("CustomResourceDefinition")) {
          continue;
        }
        CustomResourceDefinition crd = Serialization.unmarshal(doc, CustomResourceDefinition.class);
        try {
          installed.add(client.apiextensions().v1().customResourceDefinitions().resource(crd)
              .fieldManager("capkit-test").forceConflicts().serverSideApply());
        } catch (KubernetesClientException e) {
          throw new IllegalStateException("the API server rejected CRD " + crd.getMetadata().getName()
              + " from " + file + ": " + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()), e);
        }
      }
    }
    for (CustomResourceDefinition crd : installed) {
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
                  .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
              60, TimeUnit.SECONDS);
    }
    return installed;
  }

  private static List<Path> yamlFiles(List<Path> sources) {
    List<Path> out = new ArrayList<>();
    for (Path source : sources) {
      if (Files.isDirectory(source)) {
        try (Stream<Path> s = Files.list(source)) {
          s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(out::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        out.add(source);
      }
    }
    return out;
  }

  private static long rssKib(long pid) {
    try {
      Optional<String> line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS:")).findFirst();
      return line.map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
    } catch (IOException | NumberFormatException e) {
      return 0L;
    }
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    server.stop();
  }
}
