package io.capkit.testsupport.capi;

import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.SelfSignedCertificate;
import io.capkit.testsupport.WebhookConfigurations;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real Cluster API managers (core, kubeadm bootstrap, kubeadm control plane, built from the Go module
 * sigs.k8s.io/cluster-api by hack/ensure-capi.sh) running out of cluster against an {@link EmbeddedApiServer}, as
 * CAPI's own envtest-based e2e runs them: a kubeconfig, one serving certificate (IP SAN 127.0.0.1) for their
 * webhooks, which are registered by URL and caBundle, a webhook and a health port each, metrics off.
 */
public final class CapiControllers implements AutoCloseable {
  /** CAPI's providers' CRD groups that must carry the contract labels CAPI's kustomize adds in its release. */
  public static final Set<String> CONTRACT_LABELLED_GROUPS =
      Set.of("bootstrap.cluster.x-k8s.io", "controlplane.cluster.x-k8s.io");
  /** The contract labels, as in CAPI's bootstrap/controlplane config/crd/kustomization.yaml. */
  public static final Map<String, String> CONTRACT_LABELS =
      Map.of("cluster.x-k8s.io/v1beta1", "v1beta1", "cluster.x-k8s.io/v1beta2", "v1beta2");
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  private static final String FIELD_MANAGER = "capkit-capi-harness";

  /** One manager: its binary, the folder of its webhook manifests and the prefix of its configurations. */
  private record Manager(String binary, String webhooks, String configPrefix) {}

  private static final List<Manager> MANAGERS = List.of(
      new Manager("capi-manager", "core.yaml", "capi-"),
      new Manager("kubeadm-bootstrap-manager", "bootstrap.yaml", "capi-kubeadm-bootstrap-"),
      new Manager("kubeadm-control-plane-manager", "controlplane.yaml", "capi-kubeadm-control-plane-"));

  private final KubernetesClient client;
  private final List<ManagedProcess> processes;
  private final List<String> webhookConfigurations;
  private final String version;

  private CapiControllers(KubernetesClient client, List<ManagedProcess> processes, List<String> configurations,
                          String version) {
    this.client = client;
    this.processes = processes;
    this.webhookConfigurations = configurations;
    this.version = version;
  }

  /**
   * Labels the CAPI provider CRDs, starts the three managers with their logs in {@code work}, waits until each
   * answers {@code /readyz} (which includes its webhook server) and registers their webhooks.
   */
  public static CapiControllers start(EmbeddedApiServer api, Path work) {
    ToolVersions tools = ToolVersions.pinned();
    Path bin = tools.capiDir();
    KubernetesClient client = api.client();
    int labelled = labelContractCrds(client);
    if (labelled == 0) {
      throw new IllegalStateException("no CRD of " + CONTRACT_LABELLED_GROUPS + " is installed: install CAPI's CRDs "
          + "(CrdSources.upstream(\"capi\")) before starting the controllers");
    }
    Path kubeconfig = secretFile(work.resolve("kubeconfig"), api.kubeconfigYaml());
    SelfSignedCertificate cert = SelfSignedCertificate.generate("capi-webhooks");
    Path certDir = work.resolve("webhook-certs");
    cert.writeTo(certDir);

    List<ManagedProcess> started = new ArrayList<>();
    List<String> configurations = new ArrayList<>();
    try {
      List<int[]> ports = new ArrayList<>();
      for (Manager m : MANAGERS) {
        int webhookPort = FreePorts.loopback();
        int healthPort = FreePorts.loopback();
        ports.add(new int[] {webhookPort, healthPort});
        List<String> cmd = List.of(bin.resolve(m.binary()).toString(),
            "--kubeconfig=" + kubeconfig,
            "--webhook-cert-dir=" + certDir,
            "--webhook-port=" + webhookPort,
            "--health-addr=127.0.0.1:" + healthPort,
            "--diagnostics-address=0",
            "--leader-elect=false",
            "--v=2");
        started.add(ManagedProcess.start(m.binary(), cmd,
            Map.of("POD_NAMESPACE", "capi-system", "POD_NAME", m.binary()), work.resolve(m.binary() + ".log")));
      }
      for (int i = 0; i < MANAGERS.size(); i++) {
        int health = ports.get(i)[1];
        started.get(i).awaitReady(() -> ManagedProcess.httpOk("http://127.0.0.1:" + health + "/readyz"), READY_TIMEOUT);
      }
      for (int i = 0; i < MANAGERS.size(); i++) {
        Manager m = MANAGERS.get(i);
        configurations.addAll(WebhookConfigurations.registerByUrl(client, bin.resolve("webhooks").resolve(m.webhooks()),
            "https://127.0.0.1:" + ports.get(i)[0], cert.certPem(), m.configPrefix(), FIELD_MANAGER));
      }
      return new CapiControllers(client, started, configurations, tools.capiVersion());
    } catch (RuntimeException e) {
      started.forEach(ManagedProcess::close);
      throw e;
    }
  }

  /** Adds CAPI's contract labels to the installed bootstrap and control-plane CRDs; returns how many. */
  public static int labelContractCrds(KubernetesClient client) {
    int n = 0;
    for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (CONTRACT_LABELLED_GROUPS.contains(crd.getSpec().getGroup())) {
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
            .edit(c -> {
              c.getMetadata().getLabels().putAll(CONTRACT_LABELS);
              return c;
            });
        n++;
      }
    }
    return n;
  }

  public String version() {
    return version;
  }

  /** The webhook configurations registered, as {@code Kind/name}. */
  public List<String> webhookConfigurations() {
    return List.copyOf(webhookConfigurations);
  }

  /** The managers' log files (for a failing test's diagnosis). */
  public List<Path> logs() {
    return processes.stream().map(ManagedProcess::log).toList();
  }

  /** Whether every manager process is still running. */
  public boolean running() {
    return processes.stream().allMatch(ManagedProcess::alive);
  }

  /** Stops the managers and removes their webhook configurations (which would otherwise deny every write). */
  @Override
  public void close() {
    for (String c : webhookConfigurations) {
      String kind = c.substring(0, c.indexOf('/'));
      String name = c.substring(c.indexOf('/') + 1);
      try {
        if (kind.startsWith("Mutating")) {
          client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete();
        } else {
          client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
        }
      } catch (RuntimeException apiGone) {
        // the API server may already be stopped
      }
    }
    processes.forEach(ManagedProcess::close);
  }

  private static Path secretFile(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
