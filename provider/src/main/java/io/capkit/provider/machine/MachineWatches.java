package io.capkit.provider.machine;

import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.runtime.ApiCallFailure;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The objects a KVMMachine depends on, watched: CAPI Machines and Clusters, and KVMClusters. Each change is mapped
 * back to the KVMMachines it concerns, so a machine reconciles as soon as its Machine gets {@code dataSecretName},
 * its Cluster is unpaused or its KVMCluster's hosts change. The reconciler reads these objects from the informer
 * caches instead of asking the API server.
 *
 * <p>Secrets are not watched or cached: a cache of every Secret with the {@value CapiObjects#CLUSTER_NAME_LABEL}
 * label holds each cluster's CA and kubeconfig keys too. The one bootstrap Secret a machine names is read by a GET
 * when the machine needs it; CAPI sets {@code dataSecretName} only once that Secret exists.
 */
public final class MachineWatches implements MachineFacts.Lookup {
  static final String MACHINES = "capi-machines";
  static final String CLUSTERS = "capi-clusters";
  static final String KVM_CLUSTERS = "kvmclusters";
  /** Primary-cache index: {@code namespace/cluster-name} label of the KVMMachine. */
  static final String KVM_MACHINES_BY_CLUSTER = "kvmmachine-by-cluster";
  /** Machine index: {@code namespace/spec.clusterName}. */
  static final String MACHINES_BY_CLUSTER = "machine-by-cluster";
  static final GroupVersionKind MACHINE = new GroupVersionKind(CapiObjects.GROUP, "v1beta2", "Machine");
  static final GroupVersionKind CLUSTER = new GroupVersionKind(CapiObjects.GROUP, "v1beta2", "Cluster");
  static final String INFRA_GROUP = "infrastructure.cluster.x-k8s.io";

  private volatile InformerEventSource<GenericKubernetesResource, KVMMachine> machines;
  private volatile InformerEventSource<GenericKubernetesResource, KVMMachine> clusters;
  private volatile InformerEventSource<KVMCluster, KVMMachine> kvmClusters;
  private volatile KubernetesClient client;

  /** The event sources for the KVMMachine controller; called once by the framework before it starts. */
  public List<EventSource<?, KVMMachine>> eventSources(EventSourceContext<KVMMachine> context) {
    client = context.getClient();
    IndexedResourceCache<KVMMachine> primary = context.getPrimaryCache();
    context.getPrimaryCache().addIndexer(KVM_MACHINES_BY_CLUSTER,
        k -> key(k, label(k, CapiObjects.CLUSTER_NAME_LABEL)));

    machines = new InformerEventSource<>(InformerEventSourceConfiguration.from(MACHINE, KVMMachine.class)
        .withName(MACHINES)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(MachineWatches::kvmMachineOf)
        // Machine status changes on every KVMMachine status change: only spec and labels matter here.
        .withOnUpdateFilter((n, o) -> !Objects.equals(generation(n), generation(o))
            || !Objects.equals(n.getMetadata().getLabels(), o.getMetadata().getLabels()))
        .build(), context);
    machines.addIndexers(Map.of(
        MACHINES_BY_CLUSTER, m -> key(m, CapiObjects.string(m, "spec", "clusterName"))));

    clusters = new InformerEventSource<>(InformerEventSourceConfiguration.from(CLUSTER, KVMMachine.class)
        .withName(CLUSTERS)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(c -> kvmMachinesOfCluster(primary, machines, namespace(c), name(c)))
        // Cluster conditions change often and fan out to every machine: only pause and infrastructure matter.
        .withOnUpdateFilter((n, o) -> !Objects.equals(generation(n), generation(o))
            || CapiObjects.annotated(n, CapiObjects.PAUSED_ANNOTATION)
                != CapiObjects.annotated(o, CapiObjects.PAUSED_ANNOTATION)
            || CapiObjects.isTrue(n, "status", "initialization", "infrastructureProvisioned")
                != CapiObjects.isTrue(o, "status", "initialization", "infrastructureProvisioned"))
        .build(), context);

    kvmClusters = new InformerEventSource<>(InformerEventSourceConfiguration.from(KVMCluster.class, KVMMachine.class)
        .withName(KVM_CLUSTERS)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(kc -> kvmMachinesOfCluster(primary, machines, namespace(kc),
            CapiObjects.ownerName(kc, "Cluster").orElse(name(kc))))
        // The machine reconciler reads only the hosts (spec) of a KVMCluster.
        .withOnUpdateFilter((n, o) -> !Objects.equals(generation(n), generation(o)))
        .build(), context);

    return List.of(machines, clusters, kvmClusters);
  }

  @Override
  public GenericKubernetesResource machine(String namespace, String name) {
    return machines.get(new ResourceID(name, namespace)).orElse(null);
  }

  @Override
  public GenericKubernetesResource cluster(String namespace, String name) {
    return clusters.get(new ResourceID(name, namespace)).orElse(null);
  }

  @Override
  public KVMCluster kvmCluster(String namespace, String name) {
    return kvmClusters.get(new ResourceID(name, namespace)).orElse(null);
  }

  /** Read directly, never cached (see the class comment). */
  @Override
  public Secret bootstrapSecret(String namespace, String name) {
    return ApiCallFailure.during("get Secret " + name + " (bootstrap data)",
        () -> client.secrets().inNamespace(namespace).withName(name).get());
  }

  /** Machine → the KVMMachine named by its infrastructureRef. */
  static Set<ResourceID> kvmMachineOf(GenericKubernetesResource machine) {
    String kind = CapiObjects.string(machine, "spec", "infrastructureRef", "kind");
    String group = CapiObjects.string(machine, "spec", "infrastructureRef", "apiGroup");
    String name = CapiObjects.string(machine, "spec", "infrastructureRef", "name");
    if (!"KVMMachine".equals(kind) || name == null || (group != null && !INFRA_GROUP.equals(group))) {
      return Set.of();
    }
    return Set.of(new ResourceID(name, namespace(machine)));
  }

  /** Cluster → its KVMMachines: those labelled with the cluster name, and those its Machines point at. */
  static Set<ResourceID> kvmMachinesOfCluster(IndexedResourceCache<KVMMachine> primary,
      InformerEventSource<GenericKubernetesResource, KVMMachine> machines, String namespace, String cluster) {
    Set<ResourceID> out = new java.util.HashSet<>();
    String k = namespace + "/" + cluster;
    primary.byIndex(KVM_MACHINES_BY_CLUSTER, k).forEach(m -> out.add(ResourceID.fromResource(m)));
    machines.byIndex(MACHINES_BY_CLUSTER, k).forEach(m -> out.addAll(kvmMachineOf(m)));
    return out;
  }

  /**
   * The KVMMachines of one cluster in a namespace (from the primary cache index), in no particular order: the one
   * caller counts them per host, and sorting 500 of them on every host pick showed in the provider's CPU profile.
   */
  public static List<KVMMachine> ofCluster(IndexedResourceCache<KVMMachine> primary, String namespace,
      String cluster) {
    return primary.byIndex(KVM_MACHINES_BY_CLUSTER, namespace + "/" + cluster);
  }

  private static List<String> key(HasMetadata o, String value) {
    return value == null ? List.of() : List.of(namespace(o) + "/" + value);
  }

  private static String label(HasMetadata o, String key) {
    Map<String, String> l = o.getMetadata().getLabels();
    return l == null ? null : l.get(key);
  }

  private static Long generation(HasMetadata o) {
    return o.getMetadata().getGeneration();
  }

  private static String namespace(HasMetadata o) {
    return o.getMetadata().getNamespace();
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }
}
