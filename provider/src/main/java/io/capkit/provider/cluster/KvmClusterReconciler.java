package io.capkit.provider.cluster;

import io.capkit.api.Problem;
import io.capkit.api.infra.KvmRules;
import io.capkit.api.infra.Initialization;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterStatus;
import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.machine.CapiObjects;
import io.capkit.provider.runtime.ApiCallFailure;
import io.capkit.provider.runtime.Backoff;
import io.capkit.provider.runtime.Conditions;
import io.capkit.provider.runtime.KubernetesEvents;
import io.capkit.provider.runtime.ProviderMetrics;
import io.capkit.provider.runtime.StatusApply;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * KVMCluster: hosts become failure domains, the control-plane endpoint is taken from the spec, and deletion waits
 * until no KVMMachine of the cluster is left (they need the host list to be removed). In kvm-metal3 it also gives the
 * Metal3Cluster beside it its owner Cluster and deletes that Metal3Cluster before its own finalizer goes
 * ({@link Metal3Adoption}).
 */
public final class KvmClusterReconciler implements Reconciler<KVMCluster>, Cleaner<KVMCluster> {
  public static final String FINALIZER = "infrastructure.cluster.x-k8s.io/kvmcluster";
  static final Duration HOST_RETRY = Duration.ofSeconds(30);
  /** Names the status write ({@link StatusApply}) in ApiError events. */
  static final String STATUS_WRITE = "patch KVMCluster status";
  private static final GroupVersionKind CLUSTER = new GroupVersionKind(CapiObjects.GROUP, "v1beta2", "Cluster");

  private final ClusterHosts hosts;
  private final ProviderMetrics metrics;
  private final Clock clock;
  private volatile InformerEventSource<GenericKubernetesResource, KVMCluster> clusters;

  public KvmClusterReconciler(ClusterHosts hosts, ProviderMetrics metrics, Clock clock) {
    this.hosts = hosts;
    this.metrics = metrics;
    this.clock = clock;
  }

  public static boolean hasOwnerOrIsDeleting(KVMCluster c) {
    return c.getMetadata().getDeletionTimestamp() != null || CapiObjects.ownerName(c, "Cluster").isPresent();
  }

  /** Watches the owning Clusters (pause), mapped by their infrastructureRef; reads them from the cache. */
  @Override
  public List<EventSource<?, KVMCluster>> prepareEventSources(EventSourceContext<KVMCluster> context) {
    clusters = new InformerEventSource<>(InformerEventSourceConfiguration.from(CLUSTER, KVMCluster.class)
        .withName("capi-clusters")
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(KvmClusterReconciler::kvmClusterOf)
        // Only pause (spec or annotation) changes what this reconciler writes.
        .withOnUpdateFilter((n, o) -> CapiObjects.paused(n, n) != CapiObjects.paused(o, o))
        .build(), context);
    return List.of(clusters);
  }

  /** Cluster → the KVMCluster named by its infrastructureRef. */
  static Set<ResourceID> kvmClusterOf(GenericKubernetesResource cluster) {
    String kind = CapiObjects.string(cluster, "spec", "infrastructureRef", "kind");
    String name = CapiObjects.string(cluster, "spec", "infrastructureRef", "name");
    return "KVMCluster".equals(kind) && name != null
        ? Set.of(new ResourceID(name, cluster.getMetadata().getNamespace())) : Set.of();
  }

  /** As for KVMMachines: a failed status patch becomes a Warning event, and the framework retries. */
  @Override
  public ErrorStatusUpdateControl<KVMCluster> updateErrorStatus(KVMCluster kc, Context<KVMCluster> context,
      Exception e) {
    ApiCallFailure.in(e, STATUS_WRITE).ifPresent(f ->
        new KubernetesEvents(context.getClient()).apiError(kc, f));
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  @Override
  public UpdateControl<KVMCluster> reconcile(KVMCluster kc, Context<KVMCluster> context) {
    try {
      GenericKubernetesResource cluster = CapiObjects.ownerName(kc, "Cluster")
          .flatMap(n -> clusters.get(new ResourceID(n, kc.getMetadata().getNamespace()))).orElse(null);
      KVMClusterStatus before = kc.getStatus();
      kc.setStatus(status(kc, cluster, hosts, clock.instant()));
      // Writes (status apply, warning event) only on change: a settled or still-invalid cluster costs no API write.
      if (!Serialization.asJson(kc.getStatus()).equals(Serialization.asJson(before))) {
        StatusApply.apply(context.getClient(), kc, kc.getStatus(), STATUS_WRITE);
      }
      invalidSpecWarning(before, kc.getStatus()).ifPresent(message ->
          new KubernetesEvents(context.getClient()).warning(kc, "InvalidSpec", message));
      if (invalidSpec(kc.getStatus()) != null) {
        // Not a failure to retry but a wait: a KVMHost the cluster names may be created or opened to its namespace
        // later, and KVMHosts are not watched. Jittered, so many such clusters do not wake together.
        return UpdateControl.<KVMCluster>noUpdate().rescheduleAfter(Backoff.jittered(HOST_RETRY));
      }
      if (cluster != null && !CapiObjects.paused(cluster, kc) && !adoptMetal3Cluster(kc, context)) {
        return UpdateControl.<KVMCluster>noUpdate().rescheduleAfter(Backoff.jittered(HOST_RETRY));
      }
      return UpdateControl.noUpdate();
    } finally {
      metrics.reconciled(kc, clock.instant());
    }
  }

  /** The Ready=False InvalidSpec message of a status, or null. */
  static String invalidSpec(KVMClusterStatus s) {
    var ready = s == null ? null : Conditions.get(s.getConditions(), Conditions.READY);
    return ready != null && "False".equals(ready.getStatus()) && "InvalidSpec".equals(ready.getReason())
        ? ready.getMessage() : null;
  }

  /**
   * The InvalidSpec warning to emit going from status {@code before} to {@code after}: only when the cluster became
   * invalid or its problem changed, not on every reconcile of a cluster that stays invalid (pure).
   */
  public static java.util.Optional<String> invalidSpecWarning(KVMClusterStatus before, KVMClusterStatus after) {
    String now = invalidSpec(after);
    return now == null || now.equals(invalidSpec(before)) ? java.util.Optional.empty() : java.util.Optional.of(now);
  }

  /**
   * kvm-metal3: gives the Metal3Cluster beside the KVMCluster its owner Cluster ({@link Metal3Adoption}). False when
   * it should be tried again: a concurrent write (409) or a failed call, which also becomes an ApiError event. It
   * does not fail the reconcile: the KVMCluster's own status is already written.
   */
  private static boolean adoptMetal3Cluster(KVMCluster kc, Context<KVMCluster> context) {
    try {
      return Metal3Adoption.adopt(context.getClient(), kc) != Metal3Adoption.Outcome.CONFLICT;
    } catch (ApiCallFailure f) {
      new KubernetesEvents(context.getClient()).apiError(kc, f);
      return false;
    }
  }

  /** The new status (pure): Paused, failure domains, provisioned and Ready. */
  public static KVMClusterStatus status(KVMCluster kc, GenericKubernetesResource cluster, ClusterHosts hosts,
      Instant now) {
    long gen = kc.getMetadata().getGeneration() == null ? 0 : kc.getMetadata().getGeneration();
    KVMClusterStatus s = kc.getStatus() == null ? new KVMClusterStatus() : kc.getStatus();
    KVMClusterStatus out = new KVMClusterStatus();
    out.setInitialization(s.getInitialization());
    out.setFailureDomains(s.getFailureDomains());
    out.setObservedGeneration(s.getObservedGeneration());
    boolean paused = CapiObjects.paused(cluster, kc);
    var c = Conditions.set(s.getConditions(), Conditions.PAUSED, paused, paused ? "Paused" : "NotPaused", "", gen,
        now);
    if (paused) {
      out.setConditions(c);
      return out;
    }
    List<Problem> own = KvmRules.clusterSpecProblems(kc.getSpec(), "spec");
    ClusterHosts.Resolution resolved = own.isEmpty() ? hosts.resolve(kc)
        : new ClusterHosts.Resolution(List.of(), own);
    if (!resolved.problems().isEmpty()) {
      out.setConditions(Conditions.set(c, Conditions.READY, false, "InvalidSpec", resolved.message(), gen, now));
      return out;
    }
    out.setFailureDomains(ClusterHosts.failureDomains(resolved.hosts()));
    out.setObservedGeneration(gen);
    var endpoint = kc.getSpec() == null ? null : kc.getSpec().getControlPlaneEndpoint();
    if (endpoint == null || endpoint.getHost() == null || endpoint.getHost().isBlank() || endpoint.getPort() == null) {
      out.setConditions(Conditions.set(c, Conditions.READY, false, "WaitingForControlPlaneEndpoint",
          "spec.controlPlaneEndpoint host and port are not set", gen, now));
      return out;
    }
    Initialization init = new Initialization();
    init.setProvisioned(true);
    out.setInitialization(init);
    out.setConditions(Conditions.set(c, Conditions.READY, true, "Provisioned", "", gen, now));
    return out;
  }

  @Override
  public DeleteControl cleanup(KVMCluster kc, Context<KVMCluster> context) {
    String cluster = CapiObjects.ownerName(kc, "Cluster").orElse(kc.getMetadata().getName());
    List<KVMMachine> left;
    try {
      left = ApiCallFailure.during("list KVMMachines of cluster " + cluster, () -> context.getClient()
          .resources(KVMMachine.class).inNamespace(kc.getMetadata().getNamespace())
          .withLabel(CapiObjects.CLUSTER_NAME_LABEL, cluster).list().getItems());
    } catch (ApiCallFailure f) {
      // The framework does not pass cleanup errors to updateErrorStatus; it retries them all the same.
      new KubernetesEvents(context.getClient()).apiError(kc, f);
      throw f;
    }
    boolean move = CapiObjects.annotated(kc, CapiObjects.DELETE_FOR_MOVE_ANNOTATION);
    if (!left.isEmpty() && !move) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(10));
    }
    // kvm-metal3: the adopted Metal3Cluster goes before the Cluster does (clusterctl move deletes its own copy).
    boolean metal3Left;
    try {
      metal3Left = !move && Metal3Adoption.releasePending(context.getClient(), kc);
    } catch (ApiCallFailure f) {
      new KubernetesEvents(context.getClient()).apiError(kc, f);
      throw f;
    }
    if (metal3Left) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
    }
    metrics.forget(kc);
    return DeleteControl.defaultDelete();
  }
}
