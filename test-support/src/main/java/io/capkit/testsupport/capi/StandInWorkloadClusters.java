package io.capkit.testsupport.capi;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays the part of the machines that the simulation cannot boot, so the real CAPI controllers go on where the
 * KVM provider's test-driver domains end: once a workload cluster's first control-plane Machine is provisioned
 * (has a providerID), "kubeadm init" is done there — a real kube-apiserver starts at the cluster's endpoint with
 * the cluster CA of the {@code <cluster>-ca} Secret KCP generated (serving certificate and client CA), and
 * {@code kube-system/kubeadm-config} exists, which KCP takes as the control plane initialised — and every
 * provisioned Machine's kubelet registers: a Ready Node carrying the Machine's providerID and Kubernetes version.
 *
 * <p>Endpoints must be loopback addresses (127.0.0.0/8): every stand-in server binds one on this machine. All
 * stand-in servers share one etcd, each under its own prefix.
 */
public final class StandInWorkloadClusters implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  private static final String CLUSTER_LABEL = "cluster.x-k8s.io/cluster-name";
  private static final String CONTROL_PLANE_LABEL = "cluster.x-k8s.io/control-plane";

  /** One served workload cluster, once its API server runs. */
  public record Served(String namespace, String cluster, String endpoint, Instant initialized) {}

  private final KubernetesClient mgmt;
  private final Path work;
  private final ToolVersions tools;
  private final ManagedProcess etcd;
  private final int etcdPort;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final Map<String, Workload> workloads = new ConcurrentHashMap<>();
  private final Map<String, Instant> joined = new ConcurrentHashMap<>();
  private final List<String> errors = new ArrayList<>();
  private final ScheduledExecutorService loop;
  private volatile Consumer<String> events = s -> { };
  /**
   * The management cluster's CAPI Machines, watched once the first cluster is: the loop reads this cache (a kubelet
   * never lists Machines, so the stand-in adds no list requests to the API server it plays against).
   */
  private volatile SharedIndexInformer<GenericKubernetesResource> machines;

  private record Workload(String namespace, String cluster, String endpoint, ManagedProcess server,
                          KubernetesClient client, Instant initialized) {}

  private StandInWorkloadClusters(KubernetesClient mgmt, Path work, ToolVersions tools, ManagedProcess etcd,
                                  int etcdPort) {
    this.mgmt = mgmt;
    this.work = work;
    this.tools = tools;
    this.etcd = etcd;
    this.etcdPort = etcdPort;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "stand-in-workload-clusters");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the shared etcd and the loop that watches the management cluster's Machines. */
  public static StandInWorkloadClusters start(KubernetesClient mgmt, Path work) {
    ToolVersions tools = ToolVersions.pinned();
    Path bin = tools.kubeBinDir();
    int client = FreePorts.loopback();
    int peer = FreePorts.loopback();
    ManagedProcess etcd = ManagedProcess.start("stand-in-etcd", List.of(bin.resolve("etcd").toString(),
        "--data-dir=" + work.resolve("etcd-data"),
        "--listen-client-urls=http://127.0.0.1:" + client, "--advertise-client-urls=http://127.0.0.1:" + client,
        "--listen-peer-urls=http://127.0.0.1:" + peer, "--initial-advertise-peer-urls=http://127.0.0.1:" + peer,
        "--initial-cluster=default=http://127.0.0.1:" + peer, "--unsafe-no-fsync=true", "--log-level=warn"),
        Map.of(), work.resolve("stand-in-etcd.log"));
    try {
      etcd.awaitReady(() -> ManagedProcess.httpOk("http://127.0.0.1:" + client + "/health"), READY_TIMEOUT);
    } catch (RuntimeException e) {
      etcd.close();
      throw e;
    }
    StandInWorkloadClusters s = new StandInWorkloadClusters(mgmt, work, tools, etcd, client);
    s.loop.scheduleWithFixedDelay(s::tick, 0, 250, TimeUnit.MILLISECONDS);
    return s;
  }

  /** Receives one line per thing the stand-in did (server started, node joined), for a demo's output. */
  public StandInWorkloadClusters onEvent(Consumer<String> sink) {
    this.events = Objects.requireNonNull(sink);
    return this;
  }

  /** Serves workload cluster {@code namespace/cluster} from its first provisioned control-plane Machine on. */
  public void watch(String namespace, String cluster) {
    synchronized (this) {
      if (machines == null) {
        machines = mgmt.genericKubernetesResources("cluster.x-k8s.io/v1beta2", "Machine").inAnyNamespace()
            .withLabel(CLUSTER_LABEL).inform();
      }
    }
    watched.add(namespace + "/" + cluster);
  }

  /** The clusters whose control plane is initialised, i.e. whose stand-in API server runs. */
  public List<Served> served() {
    return workloads.values().stream()
        .map(w -> new Served(w.namespace(), w.cluster(), w.endpoint(), w.initialized())).toList();
  }

  /** When the Node of the Machine with this providerID registered, if it did. */
  public Optional<Instant> joinedAt(String providerID) {
    return Optional.ofNullable(joined.get(providerID));
  }

  /** A client of a served workload cluster's API server (admin), to read its Nodes. */
  public Optional<KubernetesClient> workloadClient(String namespace, String cluster) {
    return Optional.ofNullable(workloads.get(namespace + "/" + cluster)).map(Workload::client);
  }

  /** Errors the loop met so far (it keeps going; a test asserts this is empty). */
  public synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  private void tick() {
    for (String key : watched) {
      String ns = key.substring(0, key.indexOf('/'));
      String cluster = key.substring(key.indexOf('/') + 1);
      try {
        List<GenericKubernetesResource> machines = this.machines.getStore().list().stream()
            .filter(m -> ns.equals(m.getMetadata().getNamespace())
                && cluster.equals(m.getMetadata().getLabels().get(CLUSTER_LABEL)))
            .toList();
        Workload w = workloads.get(key);
        if (w == null) {
          Optional<GenericKubernetesResource> firstCp = machines.stream()
              .filter(m -> m.getMetadata().getLabels().containsKey(CONTROL_PLANE_LABEL) && providerID(m) != null)
              .findFirst();
          if (firstCp.isEmpty()) {
            continue;
          }
          w = init(ns, cluster);
          workloads.put(key, w);
        }
        for (GenericKubernetesResource m : machines) {
          String pid = providerID(m);
          if (pid != null && m.getMetadata().getDeletionTimestamp() == null && !joined.containsKey(pid)) {
            join(w, m, pid);
          }
        }
      } catch (RuntimeException e) {
        synchronized (this) {
          String msg = key + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
          if (errors.size() < 100 && !errors.contains(msg)) {
            errors.add(msg);
          }
        }
      }
    }
  }

  /** "kubeadm init": the cluster's API server at its endpoint, signed by its CA, and the kubeadm-config map. */
  private Workload init(String ns, String cluster) {
    GenericKubernetesResource c = mgmt.genericKubernetesResources("cluster.x-k8s.io/v1beta2", "Cluster")
        .inNamespace(ns).withName(cluster).require();
    @SuppressWarnings("unchecked")
    Map<String, Object> ep = (Map<String, Object>) ((Map<String, Object>) c.getAdditionalProperties().get("spec"))
        .get("controlPlaneEndpoint");
    if (ep == null || ep.get("host") == null) {
      throw new IllegalStateException("Cluster " + ns + "/" + cluster + " has no spec.controlPlaneEndpoint yet");
    }
    String host = String.valueOf(ep.get("host"));
    int port = ((Number) ep.get("port")).intValue();
    requireLoopback(host, ns + "/" + cluster);
    Secret caSecret = mgmt.secrets().inNamespace(ns).withName(cluster + "-ca").get();
    if (caSecret == null) {
      throw new IllegalStateException("no Secret " + ns + "/" + cluster + "-ca yet (KCP creates it)");
    }
    ClusterCertificates certs = new ClusterCertificates(decode(caSecret, "tls.crt"), decode(caSecret, "tls.key"));
    Path dir = work.resolve("workload-" + ns + "-" + cluster);
    ClusterCertificates.Issued serving = certs.serving(host);
    ClusterCertificates.Issued admin = certs.client("capkit-stand-in-admin", List.of("system:masters"));
    write(dir.resolve("ca.crt"), decode(caSecret, "tls.crt"), false);
    write(dir.resolve("apiserver.crt"), serving.certPem(), false);
    write(dir.resolve("apiserver.key"), serving.keyPem(), true);
    KeyPair sa = rsa();
    write(dir.resolve("sa.key"), pem("PRIVATE KEY", sa.getPrivate().getEncoded()), true);
    write(dir.resolve("sa.pub"), pem("PUBLIC KEY", sa.getPublic().getEncoded()), false);
    Path bin = tools.kubeBinDir();
    ManagedProcess server = ManagedProcess.start("kube-apiserver " + ns + "/" + cluster, List.of(
        bin.resolve("kube-apiserver").toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort, "--etcd-prefix=/stand-in/" + ns + "/" + cluster,
        "--bind-address=" + host, "--secure-port=" + port, "--advertise-address=" + host,
        "--endpoint-reconciler-type=none",
        "--tls-cert-file=" + dir.resolve("apiserver.crt"), "--tls-private-key-file=" + dir.resolve("apiserver.key"),
        "--client-ca-file=" + dir.resolve("ca.crt"), "--cert-dir=" + dir.resolve("cert-dir"),
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + dir.resolve("sa.pub"),
        "--service-account-signing-key-file=" + dir.resolve("sa.key"),
        "--service-cluster-ip-range=10.96.0.0/12", "--authorization-mode=RBAC",
        "--enable-priority-and-fairness=false", "--profiling=false"),
        Map.of(), dir.resolve("kube-apiserver.log"));
    Config config = new ConfigBuilder().withMasterUrl("https://" + host + ":" + port)
        .withCaCertData(b64(decode(caSecret, "tls.crt")))
        .withClientCertData(b64(admin.certPem())).withClientKeyData(b64(admin.keyPem()))
        .withClientKeyAlgo("RSA").withRequestTimeout(10_000).withConnectionTimeout(2_000).build();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    try {
      server.awaitReady(() -> {
        try {
          return "ok".equals(client.raw("/readyz"));
        } catch (RuntimeException notYet) {
          return false;
        }
      }, READY_TIMEOUT);
      client.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder().withNewMetadata()
          .withName("kubeadm-config").withNamespace("kube-system").endMetadata()
          .addToData("ClusterConfiguration", clusterConfiguration(cluster, host, port, kubernetesVersion(ns, cluster)))
          .build()).create();
    } catch (RuntimeException e) {
      client.close();
      server.close();
      throw e;
    }
    events.accept("workload cluster " + ns + "/" + cluster + ": kubeadm init done on the first control-plane machine; "
        + "API server at https://" + host + ":" + port + " (cluster CA from Secret " + cluster + "-ca)");
    return new Workload(ns, cluster, host + ":" + port, server, client, Instant.now());
  }

  /** The kubelet of a provisioned machine registers its Node, Ready, with the Machine's providerID. */
  private void join(Workload w, GenericKubernetesResource machine, String providerID) {
    String name = machine.getMetadata().getName();
    boolean cp = machine.getMetadata().getLabels().containsKey(CONTROL_PLANE_LABEL);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) machine.getAdditionalProperties().get("spec");
    String version = String.valueOf(spec.getOrDefault("version", tools.kubernetesVersion()));
    NodeBuilder nb = new NodeBuilder().withNewMetadata().withName(name)
        .addToLabels("kubernetes.io/hostname", name).addToLabels("kubernetes.io/os", "linux")
        .endMetadata().withNewSpec().withProviderID(providerID).endSpec();
    if (cp) {
      nb.editMetadata().addToLabels("node-role.kubernetes.io/control-plane", "").endMetadata();
    }
    Node node = w.client().nodes().withName(name).get();
    if (node == null) {
      node = w.client().nodes().resource(nb.build()).create();
    }
    String now = Instant.now().toString();
    node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
        .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
        .withMessage("kubelet is posting ready status (capkit stand-in)").withLastHeartbeatTime(now)
        .withLastTransitionTime(now).endCondition()
        // A kubelet reports these too; CAPI's NodeHealthy (and so Machine Ready/Available) waits for them.
        .addNewCondition().withType("MemoryPressure").withStatus("False").withReason("KubeletHasSufficientMemory")
        .withMessage("kubelet has sufficient memory available").withLastHeartbeatTime(now)
        .withLastTransitionTime(now).endCondition()
        .addNewCondition().withType("DiskPressure").withStatus("False").withReason("KubeletHasNoDiskPressure")
        .withMessage("kubelet has no disk pressure").withLastHeartbeatTime(now).withLastTransitionTime(now)
        .endCondition()
        .addNewCondition().withType("PIDPressure").withStatus("False").withReason("KubeletHasSufficientPID")
        .withMessage("kubelet has sufficient PID available").withLastHeartbeatTime(now).withLastTransitionTime(now)
        .endCondition()
        .withNewNodeInfo().withKubeletVersion(version).withKubeProxyVersion(version).withOperatingSystem("linux")
        .withArchitecture("amd64").withContainerRuntimeVersion("containerd://2.1.0").withOsImage("capkit stand-in")
        .withKernelVersion("6.1.0").withMachineID(name).withSystemUUID(name).withBootID(name).endNodeInfo()
        .build());
    w.client().nodes().resource(node).updateStatus();
    joined.put(providerID, Instant.now());
    events.accept("workload cluster " + w.namespace() + "/" + w.cluster() + ": node " + name + " joined ("
        + (cp ? "control plane" : "worker") + ", " + providerID + ")");
  }

  private String kubernetesVersion(String ns, String cluster) {
    return mgmt.genericKubernetesResources("controlplane.cluster.x-k8s.io/v1beta2", "KubeadmControlPlane")
        .inNamespace(ns).withLabel(CLUSTER_LABEL, cluster).list().getItems().stream()
        .map(k -> String.valueOf(((Map<?, ?>) k.getAdditionalProperties().get("spec")).get("version")))
        .findFirst().orElse(tools.kubernetesVersion());
  }

  private static String clusterConfiguration(String cluster, String host, int port, String version) {
    return "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nclusterName: " + cluster
        + "\ncontrolPlaneEndpoint: " + host + ":" + port + "\nkubernetesVersion: " + version
        + "\nnetworking:\n  dnsDomain: cluster.local\n";
  }

  private static String providerID(GenericKubernetesResource machine) {
    Object spec = machine.getAdditionalProperties().get("spec");
    Object pid = spec instanceof Map<?, ?> m ? m.get("providerID") : null;
    return pid == null || String.valueOf(pid).isBlank() ? null : String.valueOf(pid);
  }

  private static void requireLoopback(String host, String what) {
    try {
      if (!host.matches("[0-9.]+") || !InetAddress.getByName(host).isLoopbackAddress()) {
        throw new IllegalStateException(what + ": the stand-in workload API server binds the cluster's endpoint "
            + host + ", which must be a loopback address (127.0.0.0/8)");
      }
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(what + ": endpoint " + host + " is not an address", e);
    }
  }

  private static String decode(Secret s, String key) {
    String v = s.getData() == null ? null : s.getData().get(key);
    if (v == null) {
      throw new IllegalStateException("Secret " + s.getMetadata().getName() + " has no key " + key);
    }
    return new String(Base64.getDecoder().decode(v), StandardCharsets.US_ASCII);
  }

  private static String b64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static void write(Path file, String content, boolean secret) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      if (secret) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(file, content, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
    if (machines != null) {
      machines.close();
    }
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Workload w : workloads.values()) {
      w.client().close();
      w.server().close();
    }
    etcd.close();
  }
}
