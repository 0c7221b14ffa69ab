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
  /**
   * The contract labels each provider's release manifests put on its CRDs (its config/crd/kustomization.yaml; the
   * CRD bases in the Go modules lack them): CAPI's core controllers find a referenced object's API version
   * through them and loop on "cannot find any versions matching contract versions" without. Keyed by CRD name.
   */
  private record ContractLabels(String provider, java.util.function.Predicate<String> crd, Map<String, String> labels) {}

  private static final Map<String, String> V1BETA1_V1BETA2 =
      Map.of("cluster.x-k8s.io/v1beta1", "v1beta1", "cluster.x-k8s.io/v1beta2", "v1beta2");
  private static final List<ContractLabels> PROVIDER_CONTRACT_LABELS = List.of(
      new ContractLabels("CAPI kubeadm bootstrap v1.14", n -> n.endsWith(".bootstrap.cluster.x-k8s.io")
          && n.startsWith("kubeadm"), V1BETA1_V1BETA2),
      new ContractLabels("CAPI kubeadm control plane v1.14", n -> n.startsWith("kubeadmcontrolplane")
          && n.endsWith(".controlplane.cluster.x-k8s.io"), V1BETA1_V1BETA2),
      new ContractLabels("CAPM3 v1.13", n -> n.startsWith("metal3") && n.endsWith(".infrastructure.cluster.x-k8s.io"),
          V1BETA1_V1BETA2),
      new ContractLabels("BYOH v0.5.0", n -> n.endsWith(".infrastructure.cluster.x-k8s.io") && (n.startsWith("byo")
          || n.startsWith("k8sinstallerconfig") || n.startsWith("bootstrapkubeconfig")),
          Map.of("cluster.x-k8s.io/v1beta1", "v1beta1")),
      new ContractLabels("Kamaji control plane v0.20", n -> n.startsWith("kamajicontrolplane")
          && n.endsWith(".controlplane.cluster.x-k8s.io"), Map.of("cluster.x-k8s.io/v1beta2", "v1alpha2")));

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  private static final String FIELD_MANAGER = "capkit-capi-harness";

  /**
   * One manager: its binary, its webhook manifests, the prefix of its configurations and the CRD groups whose
   * version conversion it serves (CAPI's kustomize points those CRDs' conversion webhooks at it).
   */
  private record Manager(String binary, String webhooks, String configPrefix, Set<String> conversionGroups) {}

  private static final List<Manager> MANAGERS = List.of(
      new Manager("capi-manager", "core.yaml", "capi-", Set.of("cluster.x-k8s.io", "addons.cluster.x-k8s.io",
          "ipam.cluster.x-k8s.io", "runtime.cluster.x-k8s.io")),
      new Manager("kubeadm-bootstrap-manager", "bootstrap.yaml", "capi-kubeadm-bootstrap-",
          Set.of("bootstrap.cluster.x-k8s.io")),
      new Manager("kubeadm-control-plane-manager", "controlplane.yaml", "capi-kubeadm-control-plane-",
          Set.of("controlplane.cluster.x-k8s.io")));

  private final KubernetesClient client;
  private final List<ManagedProcess> processes;
  private final List<String> webhookConfigurations;
  private final List<String> convertedCrds;
  private final String version;

  private CapiControllers(KubernetesClient client, List<ManagedProcess> processes, List<String> configurations,
                          List<String> convertedCrds, String version) {
    this.client = client;
    this.processes = processes;
    this.webhookConfigurations = configurations;
    this.convertedCrds = convertedCrds;
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
      throw new IllegalStateException("no CAPI provider CRD is installed: install CAPI's CRDs "
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
        // A port that was free when picked can be taken before the manager binds it (other test JVMs): retry.
        for (int attempt = 1; ; attempt++) {
          int webhookPort = FreePorts.loopback();
          int healthPort = FreePorts.loopback();
          List<String> cmd = List.of(bin.resolve(m.binary()).toString(),
              "--kubeconfig=" + kubeconfig,
              "--webhook-cert-dir=" + certDir,
              "--webhook-port=" + webhookPort,
              "--health-addr=127.0.0.1:" + healthPort,
              "--diagnostics-address=0",
              "--leader-elect=false",
              "--v=2");
          ManagedProcess p = ManagedProcess.start(m.binary(), cmd,
              Map.of("POD_NAMESPACE", "capi-system", "POD_NAME", m.binary()), work.resolve(m.binary() + ".log"));
          try {
            p.awaitReady(() -> ManagedProcess.httpOk("http://127.0.0.1:" + healthPort + "/readyz"), READY_TIMEOUT);
            started.add(p);
            ports.add(new int[] {webhookPort, healthPort});
            break;
          } catch (IllegalStateException e) {
            p.close();
            if (attempt == 3 || !p.tail(5).contains("address already in use")) {
              throw e;
            }
          }
        }
      }
      List<String> converted = new ArrayList<>();
      for (int i = 0; i < MANAGERS.size(); i++) {
        Manager m = MANAGERS.get(i);
        converted.addAll(serveConversion(client, m.conversionGroups(), "https://127.0.0.1:" + ports.get(i)[0]
            + "/convert", cert.certPem()));
        configurations.addAll(WebhookConfigurations.registerByUrl(client, bin.resolve("webhooks").resolve(m.webhooks()),
            "https://127.0.0.1:" + ports.get(i)[0], cert.certPem(), m.configPrefix(), FIELD_MANAGER));
      }
      return new CapiControllers(client, started, configurations, converted, tools.capiVersion());
    } catch (RuntimeException e) {
      started.forEach(ManagedProcess::close);
      throw e;
    }
  }

  /** Adds the providers' contract labels to their installed CRDs, as their release manifests carry them; returns how many. */
  public static int labelContractCrds(KubernetesClient client) {
    int n = 0;
    for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      String name = crd.getMetadata().getName();
      for (ContractLabels c : PROVIDER_CONTRACT_LABELS) {
        if (c.crd().test(name)) {
          editCrd(client, name, x -> x.getMetadata().getLabels().putAll(c.labels()));
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Points the conversion of every multi-version CRD of {@code groups} at a manager's {@code /convert} endpoint, as
   * CAPI's release manifests do, so v1beta1 objects are converted to the v1beta2 storage version by CAPI's own
   * conversion code instead of being relabelled. Returns the CRDs changed.
   */
  private static List<String> serveConversion(KubernetesClient client, Set<String> groups, String url, String caPem) {
    String ca = java.util.Base64.getEncoder().encodeToString(caPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    List<String> changed = new ArrayList<>();
    for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (groups.contains(crd.getSpec().getGroup()) && crd.getSpec().getVersions().size() > 1) {
        editCrd(client, crd.getMetadata().getName(), c -> c.getSpec().setConversion(
            new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversionBuilder()
                .withStrategy("Webhook").withNewWebhook().withConversionReviewVersions("v1", "v1beta1")
                .withNewClientConfig().withUrl(url).withCaBundle(ca).endClientConfig().endWebhook().build()));
        changed.add(crd.getMetadata().getName());
      }
    }
    return changed;
  }

  /**
   * Changes a CRD, reading it again on a conflict: CAPI's core manager migrates CRDs (storage versions, managed
   * fields) while it starts, so a read-modify-write can race with it.
   */
  private static void editCrd(KubernetesClient client, String name,
                              java.util.function.Consumer<CustomResourceDefinition> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client.apiextensions().v1().customResourceDefinitions().withName(name).edit(c -> {
          change.accept(c);
          return c;
        });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
        ManagedProcess.sleep(50L * attempt);
      }
    }
  }

  /** The CRDs whose version conversion the managers serve. */
  public List<String> convertedCrds() {
    return List.copyOf(convertedCrds);
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

  /**
   * Stops the managers and removes their webhook configurations and conversion webhooks (which would otherwise deny
   * every write and read of those kinds).
   */
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
    for (String name : convertedCrds) {
      try {
        editCrd(client, name, c -> c.getSpec().setConversion(
            new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversionBuilder()
                .withStrategy("None").build()));
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
