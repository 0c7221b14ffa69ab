package io.capkit.provider.runtime;

import io.capkit.api.infra.InformerHostCatalog;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.cluster.ClusterHosts;
import io.capkit.provider.cluster.KvmClusterReconciler;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.SshKeyFiles;
import io.capkit.provider.machine.HostKeys;
import io.capkit.provider.machine.KvmMachineReconciler;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capkit.api.infra.KVMHost;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The running provider: the JOSDK operator with the KVMCluster and KVMMachine reconcilers, libvirt connections and
 * the HTTP endpoints. {@link #run(ProviderConfig)} is what {@code capkit provider run} calls.
 */
public final class KvmProvider implements AutoCloseable {
  public static final String VERSION = versionOf();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KvmProvider.class);

  /**
   * The name of every write the provider makes: the field manager of its server-side applies and the User-Agent
   * prefix the API server records as the manager of its other writes (claims, finalizers, events).
   */
  public static final String FIELD_MANAGER = "capkit-kvm-provider";

  private final Operator operator;
  private final InformerHostCatalog hosts;
  private final KubernetesClient client;
  private final LibvirtConnections connections;
  private final HealthServer http;
  private final ProviderMetrics metrics;
  private final SshKeyFiles keyFiles;

  private KvmProvider(Operator operator, InformerHostCatalog hosts, KubernetesClient client,
      LibvirtConnections connections, HealthServer http, ProviderMetrics metrics, SshKeyFiles keyFiles) {
    this.keyFiles = keyFiles;
    this.operator = operator;
    this.hosts = hosts;
    this.client = client;
    this.connections = connections;
    this.http = http;
    this.metrics = metrics;
  }

  public static final String LEASE_NAME = "capkit-kvm-provider";

  /**
   * Starts reconciling with the given client and connections (the caller's: {@link #close()} leaves them open, as a
   * restarted provider finds its hosts as they were); returns once the informers are started (with leader
   * election: once this instance leads, or at once while another one does). Losing the lease exits the JVM, as a
   * controller must stop acting at once.
   */
  public static KvmProvider start(ProviderConfig config, KubernetesClient client, LibvirtConnections connections) {
    return start(config, client, connections, true);
  }

  /** As {@link #start(ProviderConfig, KubernetesClient, LibvirtConnections)}; tests keep their JVM on a lost lease. */
  static KvmProvider start(ProviderConfig config, KubernetesClient given, LibvirtConnections connections,
      boolean exitOnLostLease) {
    return start(config, given.getConfiguration(), connections, exitOnLostLease);
  }

  /** As above, with the client's configuration alone: the provider builds its own client from it. */
  private static KvmProvider start(ProviderConfig config, Config clientConfig, LibvirtConnections connections,
      boolean exitOnLostLease) {
    ProviderMetrics metrics = new ProviderMetrics();
    KubernetesClient client = asProvider(clientConfig, new ApiRequests(metrics.registry()));
    Clock clock = Clock.systemUTC();
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(config.reconcileThreads())
          .withUseSSAToPatchPrimaryResource(false)
          .withMetrics(metrics.josdk());
      if (config.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE_NAME, config.leaseNamespace(),
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, leaseIdentity(), null, exitOnLostLease));
      }
    });
    // The admins' KVMHosts and the namespaces' labels: what every host lookup and namespace check reads.
    InformerHostCatalog hosts = new InformerHostCatalog(client);
    ClusterHosts clusterHosts = new ClusterHosts(hosts, config.testDriverDir());
    operator.register(new KvmClusterReconciler(clusterHosts, metrics, clock), o -> {
      o.withFinalizer(KvmClusterReconciler.FINALIZER)
          .withRetry(Backoff.retry())
          .withRateLimiter(Backoff.rateLimiter())
          .withFieldManager(FIELD_MANAGER)
          .withOnAddFilter(KvmClusterReconciler::hasOwnerOrIsDeleting)
          .withOnUpdateFilter((n, old) -> KvmClusterReconciler.hasOwnerOrIsDeleting(n));
      if (!config.namespaces().isEmpty()) {
        o.settingNamespaces(config.namespaces());
      }
    });
    // KVMHosts' SSH keys: read from the provider's own namespace, kept as 0600 files until the provider stops.
    SshKeyFiles keyFiles = SshKeyFiles.create();
    HostKeys keys = new HostKeys(client, config.providerNamespace(), keyFiles);
    operator.register(new KvmMachineReconciler(clusterHosts, connections, keys, metrics, clock), o -> {
      // The reconciler keeps its finalizer itself, adding it in the same write that claims the host.
      o.withTriggerReconcilerOnAllEvents(true)
          .withRetry(Backoff.retry())
          .withRateLimiter(Backoff.rateLimiter())
          .withFieldManager(FIELD_MANAGER)
          .withGenerationAware(false)
          .withOnAddFilter(KvmMachineReconciler::hasOwnerOrIsDeleting)
          .withOnUpdateFilter(KvmMachineReconciler::worthReconciling);
      if (!config.namespaces().isEmpty()) {
        o.settingNamespaces(config.namespaces());
      }
    });
    HealthServer http;
    try {
      http = new HealthServer(config.bindAddress(), config.httpPort(),
          () -> true,
          () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy()
              && hosts.ready(),
          "{\"component\":\"capkit-kvm-provider\",\"version\":\"" + VERSION + "\",\"java\":\""
              + System.getProperty("java.version") + "\"}\n",
          metrics::scrape);
    } catch (IOException e) {
      keyFiles.close();
      client.close();
      throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + config.httpPort(), e);
    }
    operator.start();
    return new KvmProvider(operator, hosts, client, connections, http, metrics, keyFiles);
  }

  /** Runs until the JVM is stopped, with the in-cluster or kubeconfig client. */
  public static void run(ProviderConfig config) throws InterruptedException {
    if (!AsyncPool.ensure()) {
      LOG.warn("the common ForkJoinPool has fewer than 2 threads: every API response starts a thread; start the JVM"
          + " with -D{}=2", AsyncPool.PARALLELISM);
    }
    // The in-cluster or kubeconfig configuration, as KubernetesClientBuilder reads it (a plain kubeconfig read by
    // capkit: Kubeconfig); only the provider's own client is built from it (a client built here as well kept a second
    // HTTP client and its selector thread).
    Config clientConfig = Kubeconfig.clientConfig();
    LibvirtConnections connections = LibvirtConnections.jna();
    KvmProvider provider = start(config, clientConfig, connections, true);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      provider.close();
      connections.close();
      stopped.countDown();
    }, "capkit-provider-shutdown"));
    stopped.await();
  }

  public int httpPort() {
    return http.port();
  }

  public ProviderMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    http.close();
    operator.stop();
    hosts.close();
    client.close();
    keyFiles.close();
  }

  /**
   * A client on the same configuration whose User-Agent is {@value #FIELD_MANAGER}/version: the API server names
   * the manager of a write without an explicit field manager after that prefix, so the provider's writes are not
   * recorded as {@code fabric8-kubernetes-client}. TLS offers ChaCha20-Poly1305 first ({@link ApiHttpClientFactory});
   * {@code counter} counts its requests ({@link ApiRequests}).
   */
  static KubernetesClient asProvider(KubernetesClient given, ApiRequests counter) {
    return asProvider(given.getConfiguration(), counter);
  }

  private static KubernetesClient asProvider(Config given, ApiRequests counter) {
    Config config = new ConfigBuilder(given).withUserAgent(FIELD_MANAGER + "/" + VERSION).build();
    return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new ApiHttpClientFactory(config))
        .withHttpClientBuilderConsumer(b -> {
          b.addOrReplaceInterceptor(ApiRequests.NAME, counter);
          if (certificateOnly(config)) {
            b.addOrReplaceInterceptor(TokenRefreshInterceptor.NAME, null);
          }
        })
        .withKubernetesSerialization(serialization()).build();
  }

  /**
   * Whether the client authenticates with a client certificate alone (no token, token provider, auth provider or
   * password). fabric8's token refresh then has nothing to refresh, yet it re-reads and parses the kubeconfig before
   * every request once the first minute has passed (it remembers a refresh only when it found a token): about a
   * millisecond of CPU per API call in the provider's profile. Service-account tokens and exec or OIDC credentials
   * keep it.
   */
  static boolean certificateOnly(Config c) {
    boolean certificate = c.getClientCertFile() != null || c.getClientCertData() != null;
    return certificate && c.getOauthToken() == null && c.getOauthTokenProvider() == null
        && c.getAutoOAuthToken() == null && c.getAuthProvider() == null && c.getUsername() == null
        && c.getPassword() == null;
  }

  /**
   * fabric8's serialization without {@code metadata.managedFields}: the provider never reads them, yet they were the
   * largest part of every object its informers cache (an entry per field manager with the map of every field it
   * owns) and of the garbage each watch event leaves. Writes never carry them either: a write without managedFields
   * leaves the server's as they are.
   */
  static KubernetesSerialization serialization() {
    KubernetesSerialization s = new KubernetesSerialization(
        new ObjectMapper().addMixIn(ObjectMeta.class, WithoutManagedFields.class), false);
    RECEIVED_UNTYPED.forEach(s::registerKubernetesResource);
    return s;
  }

  /**
   * The kinds the provider's client may receive where fabric8 does not know the type it expects: a watch event's
   * {@code object}. {@link Status} first: a watch's ERROR event (410 Gone and the like) must arrive as a Status for
   * fabric8 to re-list; the watched kinds then arrive as their classes, not as a generic object converted again.
   * The provider's serialization registers these instead of searching the class path for every
   * {@code KubernetesResource} (about 600 model classes it never uses; any other kind arrives as a
   * {@code GenericKubernetesResource}).
   */
  static final List<Class<? extends KubernetesResource>> RECEIVED_UNTYPED =
      List.of(Status.class, KVMMachine.class, KVMCluster.class, KVMHost.class, Namespace.class);

  @JsonIgnoreProperties("managedFields")
  private abstract static class WithoutManagedFields {}

  /** Pod name (HOSTNAME) plus a random suffix, so two instances never share an identity and both think they lead. */
  static String leaseIdentity() {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? "capkit-kvm-provider" : host) + "_" + UUID.randomUUID();
  }

  private static String versionOf() {
    String v = KvmProvider.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v.toLowerCase(Locale.ROOT);
  }
}
