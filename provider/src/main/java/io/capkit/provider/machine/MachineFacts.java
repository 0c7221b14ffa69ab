package io.capkit.provider.machine;

import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMMachine;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * What the API server says about one KVMMachine's surroundings: its owner Machine, the Cluster, the KVMCluster and
 * the bootstrap Secret. Gathering stops at the first missing object; {@link MachineGate} decides what that means.
 */
public record MachineFacts(KVMMachine kvmMachine, GenericKubernetesResource machine, GenericKubernetesResource cluster,
    KVMCluster kvmCluster, Secret bootstrap) {

  /** Where the objects come from: the watches' informer caches in the provider ({@link MachineWatches}). */
  public interface Lookup {
    GenericKubernetesResource machine(String namespace, String name);

    GenericKubernetesResource cluster(String namespace, String name);

    KVMCluster kvmCluster(String namespace, String name);

    Secret bootstrapSecret(String namespace, String name);
  }

  /** Everything, the bootstrap Secret included (one GET when the Machine names it). */
  public static MachineFacts gather(Lookup lookup, KVMMachine kvm) {
    return gather(lookup, kvm, true);
  }

  /**
   * {@code readSecret} false: the cached objects only, {@link #bootstrap()} stays null. A machine whose domain exists
   * needs no bootstrap data, so the reconciler reads the Secret only for a machine not yet provisioned, or when the
   * provisioner has to make the seed ({@link #needsBootstrapRead}).
   */
  public static MachineFacts gather(Lookup lookup, KVMMachine kvm, boolean readSecret) {
    String ns = kvm.getMetadata().getNamespace();
    GenericKubernetesResource machine = CapiObjects.ownerName(kvm, "Machine")
        .map(n -> lookup.machine(ns, n)).orElse(null);
    String clusterName = machine != null ? CapiObjects.string(machine, "spec", "clusterName")
        : kvm.getMetadata().getLabels() == null ? null : kvm.getMetadata().getLabels().get(CapiObjects.CLUSTER_NAME_LABEL);
    GenericKubernetesResource cluster = clusterName == null ? null : lookup.cluster(ns, clusterName);
    String kvmClusterName = CapiObjects.string(cluster, "spec", "infrastructureRef", "name");
    KVMCluster kvmCluster = kvmClusterName == null ? null : lookup.kvmCluster(ns, kvmClusterName);
    String secretName = CapiObjects.string(machine, "spec", "bootstrap", "dataSecretName");
    Secret secret = !readSecret || secretName == null || kvmCluster == null ? null
        : lookup.bootstrapSecret(ns, secretName);
    return new MachineFacts(kvm, machine, cluster, kvmCluster, secret);
  }

  /**
   * Whether a reconcile reads the bootstrap Secret up front: only until the KVMMachine says it is provisioned. After
   * that the provisioner asks for it only if the domain is gone and the seed must be made again (status is not the
   * provider's alone to write, so a status claiming provisioned never skips the Secret a new seed needs).
   */
  public static boolean needsBootstrapRead(KVMMachine kvm) {
    return kvm.getStatus() == null || kvm.getStatus().getInitialization() == null
        || !Boolean.TRUE.equals(kvm.getStatus().getInitialization().getProvisioned());
  }

  public boolean controlPlane() {
    return CapiObjects.labelled(machine, CapiObjects.CONTROL_PLANE_LABEL)
        || CapiObjects.labelled(kvmMachine, CapiObjects.CONTROL_PLANE_LABEL);
  }

  /** The failure domain CAPI chose (Machine.spec.failureDomain) or the one the provider recorded. */
  public String failureDomain() {
    String fromMachine = CapiObjects.string(machine, "spec", "failureDomain");
    if (fromMachine != null) {
      return fromMachine;
    }
    return kvmMachine.getSpec() == null ? null : kvmMachine.getSpec().getFailureDomain();
  }

  /** Sizes only; the Secret's content never appears. */
  @Override
  public String toString() {
    return "MachineFacts[" + kvmMachine.getMetadata().getNamespace() + "/" + kvmMachine.getMetadata().getName()
        + ", machine=" + (machine != null) + ", cluster=" + (cluster != null) + ", kvmCluster=" + (kvmCluster != null)
        + ", bootstrap=" + (bootstrap != null) + "]";
  }
}
