package io.capkit.demo;

import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.yaml.DocumentTrees;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.runtime.KvmProvider;
import io.capkit.provider.runtime.ProviderConfig;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.RenderResult;
import io.capkit.renderer.RenderedCluster;
import io.capkit.renderer.Renderer;
import io.capkit.testsupport.CrdSources;
import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.ServerSideApply;
import io.capkit.testsupport.capi.CapiControllers;
import io.capkit.testsupport.capi.StandInWorkloadClusters;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The parts an end-to-end test of the CAPI loop needs, started once per test class: a real kube-apiserver with every
 * CRD, the real CAPI managers, stand-in workload API servers, and capkit's KVM provider on libvirt's test driver.
 * Clusters are rendered by capkit's renderer from a one-cluster fleet and applied as Flux would (server-side apply).
 */
final class CapiLoop implements AutoCloseable {
  static final String INFRA = "infrastructure.cluster.x-k8s.io/v1alpha1";
  static final String CAPI = "cluster.x-k8s.io/v1beta2";
  static final String LIBVIRT_URI = "test:///default";
  /** The pool of the provider's embedded host (test:///default), which holds the default base image. */
  static final String POOL = ProviderConfig.DEFAULT_POOL;

  final Path work;
  final EmbeddedApiServer api;
  final KubernetesClient client;
  final CapiControllers capi;
  final StandInWorkloadClusters workloads;
  final LibvirtConnections libvirt;
  final LibvirtBackend backend;
  private KvmProvider provider;
  private int nextAddress = 100;

  CapiLoop() {
    try {
      work = Files.createTempDirectory("capkit-e2e");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    api = new EmbeddedApiServer().start();
    client = api.client();
    api.installCrds(CrdSources.all());
    capi = CapiControllers.start(api, work.resolve("capi"));
    workloads = StandInWorkloadClusters.start(client, work.resolve("workloads"));
    libvirt = LibvirtConnections.jna();
    backend = libvirt.get(LIBVIRT_URI);
    startProvider();
  }

  /** Starts the provider unless it runs. */
  void startProvider() {
    if (provider != null) {
      return;
    }
    provider = KvmProvider.start(ProviderConfig.defaults().withLibvirtUri(LIBVIRT_URI).withHttp("127.0.0.1", 0),
        client, libvirt);
  }

  void stopProvider() {
    if (provider != null) {
      provider.close();
    }
    provider = null;
  }

  /** A kvm cluster, one file in a fleet, rendered by capkit and applied; returns what was rendered. */
  RenderedCluster apply(String namespace, String name, Map<String, Object> variables) {
    String host = "127.0.0." + nextAddress++;
    StringBuilder vars = new StringBuilder();
    variables.forEach((k, v) -> vars.append("    ").append(k).append(": ").append(v).append('\n'));
    String file = "management-clusters/mc-e2e/organizations/" + namespace + "/workload-clusters/" + name
        + "/cluster.yaml";
    MemoryTree fleet = MemoryTree.ofText("e2e", Map.of(file,
        "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata:\n  name: " + name + "\n  namespace: "
            + namespace + "\nspec:\n  release: v1.1.0\n  flavor: kvm\n  controlPlaneEndpoint:\n    host: " + host
            + "\n    port: 6443\n  variables:\n" + vars));
    RenderResult rendered = Renderer.standard().render(fleet, "e2e",
        DirectoryTree.open(CrdSources.repoRoot().resolve("releases")), "releases");
    RenderedCluster c = rendered.clusters().get(0);
    reapply(c);
    workloads.watch(c.source().namespace(), name);
    return c;
  }

  /** Applies a rendered cluster's objects (again), creating the namespace first. */
  void reapply(RenderedCluster c) {
    String ns = c.source().namespace();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    ServerSideApply ssa = new ServerSideApply(client, "capkit-e2e");
    List<KubeObject> all = new ArrayList<>(c.sources());
    all.addAll(c.objects());
    all.forEach(o -> ssa.apply(o.document(), false));
  }

  List<GenericKubernetesResource> machines(String ns, String cluster) {
    return client.genericKubernetesResources(CAPI, "Machine").inNamespace(ns)
        .withLabel("cluster.x-k8s.io/cluster-name", cluster).list().getItems();
  }

  List<GenericKubernetesResource> kvmMachines(String ns, String cluster) {
    return client.genericKubernetesResources(INFRA, "KVMMachine").inNamespace(ns)
        .withLabel("cluster.x-k8s.io/cluster-name", cluster).list().getItems();
  }

  static String phase(GenericKubernetesResource machine) {
    return String.valueOf(DocumentTrees.at(machine.getAdditionalProperties(), "status", "phase"));
  }

  static boolean controlPlane(GenericKubernetesResource machine) {
    return machine.getMetadata().getLabels().containsKey("cluster.x-k8s.io/control-plane");
  }

  static String providerID(GenericKubernetesResource o) {
    Object v = DocumentTrees.at(o.getAdditionalProperties(), "spec", "providerID");
    return v == null ? null : v.toString();
  }

  /** libvirt domains of one cluster's machines: {@code <namespace>.<KVMMachine>}, named after the cluster by CAPI. */
  List<String> domains(String ns, String cluster) {
    return backend.listDomains().stream().filter(d -> d.startsWith(ns + "." + cluster + "-")).sorted().toList();
  }

  /** Volumes of one cluster's machines in the pool (root, seed ISO, data disks). */
  List<String> volumes(String ns, String cluster) {
    return backend.listVolumes(POOL).stream().filter(v -> v.startsWith(ns + "." + cluster + "-")).sorted().toList();
  }

  /** Polls {@code check} until it returns non-null; fails with {@code what} and the managers' state otherwise. */
  <T> T await(String what, Duration timeout, Supplier<T> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      T v = check.get();
      if (v != null && !Boolean.FALSE.equals(v)) {
        return v;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
        + "; CAPI managers running: " + capi.running() + "; stand-in errors: " + workloads.errors()
        + "; logs in " + work);
  }

  @Override
  public void close() {
    if (provider != null) {
      provider.close();
    }
    workloads.close();
    capi.close();
    libvirt.close();
    api.close();
  }
}
