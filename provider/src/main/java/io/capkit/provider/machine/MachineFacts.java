package io.capkit.provider.machine;

import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMMachine;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * What the API server says about one KVMMachine's surroundings: its owner Machine, the Cluster, the KVMCluster and
 * the bootstrap Secret. Gathering stops at the first missing object; {@link MachineGate} decides what that means.
 */
public record MachineFacts(KVMMachine kvmMachine, GenericKubernetesResource machine, GenericKubernetesResource cluster,
    KVMCluster kvmCluster, Secret bootstrap) {

  static final ResourceDefinitionContext MACHINES = new ResourceDefinitionContext.Builder()
      .withGroup(CapiObjects.GROUP).withVersion("v1beta2").withKind("Machine").withPlural("machines")
      .withNamespaced(true).build();
  static final ResourceDefinitionContext CLUSTERS = new ResourceDefinitionContext.Builder()
      .withGroup(CapiObjects.GROUP).withVersion("v1beta2").withKind("Cluster").withPlural("clusters")
      .withNamespaced(true).build();

  public static MachineFacts gather(KubernetesClient client, KVMMachine kvm) {
    String ns = kvm.getMetadata().getNamespace();
    GenericKubernetesResource machine = CapiObjects.ownerName(kvm, "Machine")
        .map(n -> client.genericKubernetesResources(MACHINES).inNamespace(ns).withName(n).get()).orElse(null);
    String clusterName = machine != null ? CapiObjects.string(machine, "spec", "clusterName")
        : kvm.getMetadata().getLabels() == null ? null : kvm.getMetadata().getLabels().get(CapiObjects.CLUSTER_NAME_LABEL);
    GenericKubernetesResource cluster = clusterName == null ? null
        : client.genericKubernetesResources(CLUSTERS).inNamespace(ns).withName(clusterName).get();
    String kvmClusterName = CapiObjects.string(cluster, "spec", "infrastructureRef", "name");
    KVMCluster kvmCluster = kvmClusterName == null ? null
        : client.resources(KVMCluster.class).inNamespace(ns).withName(kvmClusterName).get();
    String secretName = CapiObjects.string(machine, "spec", "bootstrap", "dataSecretName");
    Secret secret = secretName == null || kvmCluster == null ? null
        : client.secrets().inNamespace(ns).withName(secretName).get();
    return new MachineFacts(kvm, machine, cluster, kvmCluster, secret);
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
