package io.capkit.provider.machine;

import io.capkit.api.InvalidInputException;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.api.infra.KvmHostRules;
import io.capkit.api.infra.LibvirtPlacement;
import io.capkit.provider.cluster.ClusterHosts;
import io.capkit.provider.cluster.HostSelection;
import io.capkit.provider.libvirt.LibvirtCallException;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.runtime.ApiCallFailure;
import io.capkit.provider.runtime.Backoff;
import io.capkit.provider.runtime.KubernetesEvents;
import io.capkit.provider.runtime.ProviderMetrics;
import io.capkit.provider.runtime.StatusApply;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * KVMMachine → libvirt volumes, seed and domain. Reads as its steps: gather the CAPI objects, wait or stop for
 * pause, claim a host, plan, provision (idempotent, see {@link MachineProvisioner}), report. The reconciler keeps
 * its finalizer itself (registered with triggerReconcilerOnAllEvents): the claim that pins the host and the
 * providerID also adds the finalizer, in one write, before anything exists on libvirt; events without an owner
 * Machine are filtered out ({@link #hasOwnerOrIsDeleting}), so the finalizer always follows the owner reference.
 */
public final class KvmMachineReconciler implements Reconciler<KVMMachine> {
  public static final String FINALIZER = "infrastructure.cluster.x-k8s.io/kvmmachine";
  /** Waits end with a watch event (Machine, Cluster, KVMCluster); this resync is only a safety net. */
  static final Duration WAIT = Duration.ofMinutes(5);
  /**
   * Deliberate waits that are not failures (KVMHosts are not watched, a paused cluster's deletion), jittered.
   * Failures (libvirt, API calls) are thrown and retried by JOSDK with {@link Backoff#retry()}.
   */
  static final Duration HOST_WAIT = Duration.ofSeconds(30);
  static final Duration SECRET_POLL = Duration.ofSeconds(5);
  /** Names the status write in ApiError events. */
  static final String STATUS_WRITE = "patch KVMMachine status";

  private final ClusterHosts hosts;
  private final LibvirtConnections connections;
  private final HostKeys keys;
  private final ProviderMetrics metrics;
  private final Clock clock;
  private final MachineWatches watches = new MachineWatches();
  /** Address polls made per machine uid and generation (a spec change starts again); see {@link Backoff#addressPoll}. */
  private final Map<String, Integer> addressPolls = new ConcurrentHashMap<>();

  /** {@code keys}: the URI each host is connected with (an SSH host's key from its sshKeySecretRef). */
  public KvmMachineReconciler(ClusterHosts hosts, LibvirtConnections connections, HostKeys keys,
      ProviderMetrics metrics, Clock clock) {
    this.hosts = hosts;
    this.connections = connections;
    this.keys = keys;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Event filter: nothing happens (no finalizer either) until a Machine owns the KVMMachine. */
  public static boolean hasOwnerOrIsDeleting(KVMMachine m) {
    return m.getMetadata().getDeletionTimestamp() != null || CapiObjects.ownerName(m, "Machine").isPresent();
  }

  /**
   * Update filter (registered with generation awareness off): a spec change, a new owner reference, annotations
   * (pause, move) or a deletion; not the provider's own status writes. The framework's generation filter alone
   * would drop the owner reference arriving, which changes no generation.
   */
  public static boolean worthReconciling(KVMMachine updated, KVMMachine old) {
    if (!hasOwnerOrIsDeleting(updated) || isOwnClaim(updated, old)) {
      return false;
    }
    var n = updated.getMetadata();
    var o = old.getMetadata();
    return n.getDeletionTimestamp() != null || !Objects.equals(n.getGeneration(), o.getGeneration())
        || !Objects.equals(n.getOwnerReferences(), o.getOwnerReferences())
        || !Objects.equals(n.getAnnotations(), o.getAnnotations());
  }

  /**
   * The update is exactly this provider's host claim ({@link #claim}): the finalizer added, {@code spec.providerID}
   * set from nothing to the one that follows from {@code spec.failureDomain} and the machine's UUID, nothing else of
   * the spec, owner references or annotations changed. The reconcile that wrote it goes on to provision in the same
   * run (or throws for a retry, or reschedules a wait), so its own event is not worth another reconcile: one that
   * started before the status write reached the cache would read the bootstrap Secret, look at libvirt and write
   * the status again.
   */
  static boolean isOwnClaim(KVMMachine updated, KVMMachine old) {
    var n = updated.getMetadata();
    var o = old.getMetadata();
    KVMMachineSpec ns = updated.getSpec();
    KVMMachineSpec os = old.getSpec();
    if (n.getDeletionTimestamp() != null || ns == null || os == null || os.getProviderID() != null
        || ns.getProviderID() == null || ns.getFailureDomain() == null || old.hasFinalizer(FINALIZER)
        || !updated.hasFinalizer(FINALIZER) || !Objects.equals(n.getOwnerReferences(), o.getOwnerReferences())
        || !Objects.equals(n.getAnnotations(), o.getAnnotations())) {
      return false;
    }
    if (!ns.getProviderID().equals(identity(updated).providerId(ns.getFailureDomain()))) {
      return false;
    }
    KVMMachineSpec claimedOld = Serialization.clone(os);
    claimedOld.setFailureDomain(ns.getFailureDomain());
    claimedOld.setProviderID(ns.getProviderID());
    return Serialization.asJson(claimedOld).equals(Serialization.asJson(ns));
  }

  @Override
  public List<EventSource<?, KVMMachine>> prepareEventSources(EventSourceContext<KVMMachine> context) {
    return watches.eventSources(context);
  }

  /**
   * A failed API call (the reconciler's own, or the framework's status patch after it) becomes a Warning event
   * through the same recorder as libvirt errors; the framework then retries as for any error.
   */
  @Override
  public ErrorStatusUpdateControl<KVMMachine> updateErrorStatus(KVMMachine kvm, Context<KVMMachine> context,
      Exception e) {
    ApiCallFailure.in(e, STATUS_WRITE).ifPresent(f ->
        new KubernetesEvents(context.getClient()).apiError(kvm, f));
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  @Override
  public UpdateControl<KVMMachine> reconcile(KVMMachine kvm, Context<KVMMachine> context) {
    try {
      return reconcileSteps(kvm, context);
    } catch (KubernetesClientException e) {
      // Every call above names itself; this only keeps an unnamed one from passing for the status patch.
      throw ApiCallFailure.of("API call", e);
    } finally {
      // A deletion records its own timestamp in cleanup and forgets the object when done.
      if (!kvm.isMarkedForDeletion() && !context.isPrimaryResourceDeleted()) {
        metrics.reconciled(kvm, clock.instant());
      }
    }
  }

  private UpdateControl<KVMMachine> reconcileSteps(KVMMachine kvm, Context<KVMMachine> context) {
    var client = context.getClient();
    KubernetesEvents events = new KubernetesEvents(client);
    if (context.isPrimaryResourceDeleted()) {
      metrics.forget(kvm);
      forgetAddressPolls(kvm);
      return UpdateControl.noUpdate();
    }
    if (kvm.isMarkedForDeletion()) {
      if (!kvm.hasFinalizer(FINALIZER)) {
        return UpdateControl.noUpdate();
      }
      Optional<Duration> retry = cleanup(kvm, events);
      if (retry.isPresent()) {
        return UpdateControl.<KVMMachine>noUpdate().rescheduleAfter(retry.get());
      }
      removeFinalizer(client, kvm);
      forgetAddressPolls(kvm);
      return UpdateControl.noUpdate();
    }
    if (!hasOwnerOrIsDeleting(kvm)) {
      // Reached through the Machine watch (CAPI creates the Machine before it sets the owner reference): as the
      // event filter says, nothing happens until a Machine owns the KVMMachine, no status write either; the owner
      // reference arriving is an update event of its own.
      return UpdateControl.noUpdate();
    }
    long gen = kvm.getMetadata().getGeneration() == null ? 0 : kvm.getMetadata().getGeneration();
    Instant now = clock.instant();
    // The bootstrap Secret is read (a GET: Secrets are not cached) only while the machine is not provisioned; a
    // settled machine reads it again only if its domain is gone and the seed must be made again (seedSource below).
    boolean readSecret = MachineFacts.needsBootstrapRead(kvm);
    MachineFacts facts = MachineFacts.gather(watches, kvm, readSecret);
    String statusBefore = Serialization.asJson(kvm.getStatus());

    Optional<MachineGate.Wait> wait = readSecret ? MachineGate.check(facts) : MachineGate.checkWithoutSecret(facts);
    if (wait.isPresent()) {
      return waitFor(client, kvm, facts, wait.get(), statusBefore, gen, now);
    }

    ClusterHosts.Resolution resolved = hosts.resolve(facts.kvmCluster());
    if (!resolved.problems().isEmpty()) {
      // Nothing reaches libvirt while the KVMCluster names a host this namespace may not use.
      kvm.setStatus(MachineStatusWriter.hostProblem(kvm.getStatus(), "HostNotAllowed", resolved.message(), gen, now));
      events.warning(kvm, "HostNotAllowed", resolved.message());
      return statusUpdate(client, kvm, statusBefore).rescheduleAfter(Backoff.jittered(HOST_WAIT));
    }
    List<HostTarget> candidates = resolved.hosts();
    // A providerID pins its host (it is immutable once set); before the claim, CAPI's placement decides
    // (Machine.spec.failureDomain, set by KCP and MachineSets), then a pick.
    String hostName = MachineIdentity.hostOf(spec(kvm).getProviderID());
    if (hostName == null) {
      hostName = facts.failureDomain();
    }
    if (hostName == null) {
      Map<String, Integer> counts = machinesPerHost(context, kvm);
      // Only hosts that allow this machine's image and directories; if none does, the plan below says why.
      List<HostTarget> fitting = candidates.stream().filter(h -> KvmHostRules.checkMachineOnHost(kvm.getSpec(), "spec",
          h.name(), h.admin()).isEmpty()).toList();
      Optional<HostTarget> pick = HostSelection.pick(fitting.isEmpty() ? candidates : fitting, counts,
          facts.controlPlane(), identity(kvm).uuid());
      if (pick.isEmpty()) {
        kvm.setStatus(MachineStatusWriter.hostProblem(kvm.getStatus(), "NoHost",
            "the KVMCluster has no host for " + (facts.controlPlane() ? "control-plane" : "worker") + " machines",
            gen, now));
        return statusUpdate(client, kvm, statusBefore).rescheduleAfter(Backoff.jittered(HOST_WAIT));
      }
      hostName = pick.get().name();
    }
    Optional<HostTarget> host = ClusterHosts.find(candidates, hostName);
    if (host.isEmpty()) {
      kvm.setStatus(MachineStatusWriter.hostProblem(kvm.getStatus(), "HostNotFound",
          "failure domain " + hostName + " is not a host of KVMCluster " + facts.kvmCluster().getMetadata().getName(),
          gen, now));
      events.warning(kvm, "HostNotFound", "failure domain " + hostName + " is not a host of the KVMCluster");
      return statusUpdate(client, kvm, statusBefore).rescheduleAfter(Backoff.jittered(HOST_WAIT));
    }
    claim(client, kvm, hostName);

    MachinePlan plan;
    try {
      plan = MachinePlanner.plan(identity(kvm), kvm.getSpec(), host.get(), facts.controlPlane());
    } catch (InvalidInputException e) {
      kvm.setStatus(MachineStatusWriter.invalid(kvm.getStatus(), e.getMessage(), gen, now));
      events.warning(kvm, "InvalidSpec", e.getMessage());
      return statusUpdate(client, kvm, statusBefore);
    }
    Supplier<SeedDocuments> seedSource = () -> {
      MachineFacts withSecret = facts.bootstrap() != null ? facts : MachineFacts.gather(watches, kvm, true);
      Optional<MachineGate.Wait> noData = MachineGate.check(withSecret);
      if (noData.isPresent()) {
        throw new BootstrapWait(withSecret, noData.get());
      }
      return SeedDocuments.of(plan, MachineGate.bootstrapData(withSecret).orElseThrow());
    };
    String connectUri;
    try {
      connectUri = keys.connectUri(host.get().name(), host.get().uri(), host.get().admin());
    } catch (HostKeys.KeyUnavailable e) {
      kvm.setStatus(MachineStatusWriter.hostProblem(kvm.getStatus(), "SSHKeyUnavailable", e.getMessage(), gen, now));
      events.warning(kvm, "SSHKeyUnavailable", e.getMessage());
      return statusUpdate(client, kvm, statusBefore).rescheduleAfter(Backoff.jittered(HOST_WAIT));
    }
    recordPlacement(kvm, host.get());
    try {
      MachineProvisioner.Result r = new MachineProvisioner(connections.get(connectUri))
          .ensure(plan, seedSource);
      if (!r.created().isEmpty()) {
        events.normal(kvm, "Provisioned", "created on host " + host.get().name() + " (" + r.platform().summary()
            + "): " + String.join(", ", r.created()));
      }
      kvm.setStatus(MachineStatusWriter.provisioned(kvm.getStatus(), r, plan, gen, now));
      UpdateControl<KVMMachine> control = statusUpdate(client, kvm, statusBefore);
      Optional<Duration> poll = nextAddressPoll(kvm, !r.addresses().isEmpty());
      return poll.isPresent() ? control.rescheduleAfter(Backoff.jittered(poll.get())) : control;
    } catch (BootstrapWait w) {
      // Only a machine marked provisioned whose domain is gone gets here: nothing was created, it waits as above.
      return waitFor(client, kvm, w.facts, w.wait, statusBefore, gen, now);
    } catch (LibvirtCallException e) {
      throw failed(client, kvm, StepFailure.of(MachineStep.VOLUMES, e), host.get(), connectUri, events, gen, now,
          statusBefore);
    } catch (StepFailure f) {
      throw failed(client, kvm, f, host.get(), connectUri, events, gen, now, statusBefore);
    }
  }

  /**
   * A wait ({@link MachineGate}): Ready False with the waiting reason (or Paused), rescheduled as a safety net; a
   * named Secret that is not there yet is polled for (Secrets are not watched, see {@link MachineWatches}).
   */
  private static UpdateControl<KVMMachine> waitFor(KubernetesClient client, KVMMachine kvm, MachineFacts facts,
      MachineGate.Wait wait, String statusBefore, long gen, Instant now) {
    kvm.setStatus(MachineStatusWriter.waiting(kvm.getStatus(), wait, gen, now));
    UpdateControl<KVMMachine> control = waitingUpdate(client, kvm, statusBefore);
    if (wait.paused()) {
      return control;
    }
    boolean secretMissing = "WaitingForBootstrapData".equals(wait.reason())
        && CapiObjects.string(facts.machine(), "spec", "bootstrap", "dataSecretName") != null;
    return control.rescheduleAfter(Backoff.jittered(secretMissing ? SECRET_POLL : WAIT));
  }

  /** The seed needed bootstrap data the Machine's Secret does not hold (yet). */
  private static final class BootstrapWait extends RuntimeException {
    final transient MachineFacts facts;
    final transient MachineGate.Wait wait;

    BootstrapWait(MachineFacts facts, MachineGate.Wait wait) {
      super(wait.reason(), null, false, false);
      this.facts = facts;
      this.wait = wait;
    }
  }

  /**
   * Pins host and providerID (which follows from host and UUID; CAPI reads it only once provisioned) and adds the
   * finalizer, in one write stored before anything is created, so a restart can never pick a second host and
   * nothing is ever created without a finalizer. Optimistic: the patch carries the resourceVersion it read.
   */
  private static void claim(KubernetesClient client, KVMMachine kvm, String hostName) {
    String providerId = identity(kvm).providerId(hostName);
    if (kvm.hasFinalizer(FINALIZER) && hostName.equals(spec(kvm).getFailureDomain())
        && providerId.equals(spec(kvm).getProviderID())) {
      return;
    }
    List<String> finalizers = new ArrayList<>(Optional.ofNullable(kvm.getMetadata().getFinalizers()).orElse(List.of()));
    if (!finalizers.contains(FINALIZER)) {
      finalizers.add(FINALIZER);
    }
    // resource(kvm), not withName(...): fabric8 GETs the object before a patch of a name alone.
    KVMMachine claimed = ApiCallFailure.during("patch KVMMachine (claim host " + hostName + ")", () -> client
        .resources(KVMMachine.class).inNamespace(kvm.getMetadata().getNamespace()).resource(kvm)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of(
            "metadata", Map.of("resourceVersion", kvm.getMetadata().getResourceVersion(), "finalizers", finalizers),
            "spec", Map.of("failureDomain", hostName, "providerID", providerId)))));
    kvm.getMetadata().setFinalizers(finalizers);
    spec(kvm).setFailureDomain(hostName);
    spec(kvm).setProviderID(providerId);
    // The framework's status patch is checked against this version, not the one this reconcile started from.
    kvm.getMetadata().setResourceVersion(claimed.getMetadata().getResourceVersion());
  }

  /** Drops this provider's finalizer; the JSON patch tests the entry first so it never removes another one. */
  private static void removeFinalizer(KubernetesClient client, KVMMachine kvm) {
    int at = kvm.getMetadata().getFinalizers().indexOf(FINALIZER);
    ApiCallFailure.during("patch KVMMachine (remove finalizer)", () -> client.resources(KVMMachine.class)
        .inNamespace(kvm.getMetadata().getNamespace()).resource(kvm)
        .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(List.of(
            Map.of("op", "test", "path", "/metadata/finalizers/" + at, "value", FINALIZER),
            Map.of("op", "remove", "path", "/metadata/finalizers/" + at)))));
  }

  /**
   * Writes the status (server-side apply, {@link StatusApply}) only when it changed: a repeated reconcile of a
   * settled machine costs no API write.
   */
  private static UpdateControl<KVMMachine> statusUpdate(KubernetesClient client, KVMMachine kvm, String before) {
    if (!Serialization.asJson(kvm.getStatus()).equals(before)) {
      StatusApply.apply(client, kvm, kvm.getStatus(), STATUS_WRITE);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * A waiting status is written only when a condition's type, status, reason or message changed (or anything else
   * in the status): the same wait seen again at another generation (CAPI edits the KVMMachine while it waits) is not
   * worth an API write per CAPI step. The outcomes after the wait (provisioned, failed) are compared in full by
   * {@link #statusUpdate}.
   */
  private static UpdateControl<KVMMachine> waitingUpdate(KubernetesClient client, KVMMachine kvm, String before) {
    if (!MachineStatusWriter.outcomeKey(kvm.getStatus()).equals(
        MachineStatusWriter.outcomeKey(Serialization.unmarshal(before, io.capkit.api.infra.KVMMachineStatus.class)))) {
      StatusApply.apply(client, kvm, kvm.getStatus(), STATUS_WRITE);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * Address polling: none once the machine has addresses; else the next poll of {@link Backoff#addressPoll}, counted
   * per uid and generation, so a guest that never reports one is polled a bounded number of times and again only
   * after a change (a spec change, or a restart of the provider).
   */
  Optional<Duration> nextAddressPoll(KVMMachine kvm, boolean hasAddresses) {
    String key = kvm.getMetadata().getUid() + "/" + kvm.getMetadata().getGeneration();
    if (hasAddresses) {
      forgetAddressPolls(kvm);
      return Optional.empty();
    }
    int attempt = addressPolls.merge(key, 1, Integer::sum) - 1;
    return Backoff.addressPoll(attempt);
  }

  private void forgetAddressPolls(KVMMachine kvm) {
    String uid = kvm.getMetadata().getUid() + "/";
    addressPolls.keySet().removeIf(k -> k.startsWith(uid));
  }

  /**
   * Records a failed step (status when it changed, a Warning event, which KubernetesEvents folds into the count of
   * the same Event when it repeats) and returns the failure for the caller to throw: JOSDK retries it with
   * {@link Backoff#retry()}.
   */
  private StepFailure failed(KubernetesClient client, KVMMachine kvm, StepFailure f, HostTarget host,
      String connectUri, KubernetesEvents events, long gen, Instant now, String statusBefore) {
    if (f.getCause() instanceof LibvirtCallException l) {
      metrics.libvirtError(l.operation(), l.code());
      if (l.kind() == LibvirtCallException.Kind.UNREACHABLE) {
        connections.invalidate(connectUri);
      }
    }
    kvm.setStatus(MachineStatusWriter.failed(kvm.getStatus(), f, host.name(), gen, now));
    events.warning(kvm, f.reason(), f.getMessage());
    statusUpdate(client, kvm, statusBefore);
    return f;
  }

  /**
   * Removes the machine's domain and volumes from its host; empty when done (the finalizer may go), else when to try
   * again. A move by clusterctl keeps everything.
   */
  private Optional<Duration> cleanup(KVMMachine kvm, KubernetesEvents events) {
    metrics.reconciled(kvm, clock.instant());
    if (CapiObjects.annotated(kvm, CapiObjects.DELETE_FOR_MOVE_ANNOTATION)) {
      metrics.forget(kvm);
      return Optional.empty();
    }
    MachineFacts facts = MachineFacts.gather(watches, kvm, false); // a deletion needs no bootstrap data
    if (facts.cluster() != null && CapiObjects.paused(facts.cluster(), kvm)) {
      return Optional.of(Backoff.jittered(HOST_WAIT));
    }
    String hostName = Optional.ofNullable(MachineIdentity.hostOf(spec(kvm).getProviderID()))
        .orElse(spec(kvm).getFailureDomain());
    if (hostName == null) {
      // No host was ever pinned, so nothing was created.
      metrics.forget(kvm);
      return Optional.empty();
    }
    Optional<Placement> where = placement(kvm, facts, hostName);
    if (where.isEmpty()) {
      // No record of where it was created (a machine from before status.libvirt) and the host cannot be resolved:
      // holding the finalizer would block the deletion forever. The event names what may be left on it.
      events.warning(kvm, "HostGone", (facts.kvmCluster() == null ? "the KVMCluster is gone"
          : "host " + hostName + " is no longer a usable host of KVMCluster "
              + facts.kvmCluster().getMetadata().getName())
          + ": released without removing domain " + identity(kvm).domainName() + " or its volumes from host "
          + hostName);
      metrics.forget(kvm);
      return Optional.empty();
    }
    String uri;
    try {
      uri = keys.connectUri(hostName, where.get().uri(), hosts.admin(hostName).orElse(null));
    } catch (HostKeys.KeyUnavailable e) {
      events.warning(kvm, "SSHKeyUnavailable", e.getMessage());
      return Optional.of(Backoff.jittered(HOST_WAIT));
    }
    try {
      MachineProvisioner.Removal removal = new MachineProvisioner(connections.get(uri))
          .remove(identity(kvm), where.get().pool());
      if (!removal.poolFound()) {
        events.warning(kvm, "PoolNotFound", "storage pool " + where.get().pool() + " not found on host " + hostName
            + ": the machine's volumes are gone with it");
      }
      List<String> removed = new ArrayList<>();
      if (removal.domainRemoved()) {
        removed.add("domain " + identity(kvm).domainName());
      }
      if (!removal.volumesRemoved().isEmpty()) {
        removed.add("volumes " + String.join(", ", removal.volumesRemoved()));
      }
      events.normal(kvm, "Deleted", removed.isEmpty() ? "nothing of it was left on host " + hostName
          : "removed from host " + hostName + ": " + String.join("; ", removed));
      metrics.forget(kvm);
      return Optional.empty();
    } catch (StepFailure | LibvirtCallException e) {
      LibvirtCallException l = e instanceof LibvirtCallException le ? le
          : e.getCause() instanceof LibvirtCallException ce ? ce : null;
      if (l != null) {
        metrics.libvirtError(l.operation(), l.code());
        if (l.kind() == LibvirtCallException.Kind.UNREACHABLE) {
          connections.invalidate(uri);
        }
      }
      events.warning(kvm, "DeleteFailed", e.getMessage());
      // A failure: thrown, so JOSDK retries it with backoff.
      throw e instanceof StepFailure sf ? sf : StepFailure.of(MachineStep.DOMAIN, (LibvirtCallException) e);
    }
  }

  /** Where to delete from: the libvirt URI and pool. */
  record Placement(String uri, String pool) {}

  /**
   * Where a machine's domain and volumes live: {@code status.libvirt} as recorded before they were created (so an
   * edited or removed KVMHost does not lose them), checked with the admin-side URI rules because status is not the
   * provider's alone to write; else the host as the KVMCluster resolves now (machines created before the record).
   */
  static Optional<Placement> placement(KVMMachine kvm, MachineFacts facts, String hostName, ClusterHosts hosts) {
    LibvirtPlacement recorded = kvm.getStatus() == null ? null : kvm.getStatus().getLibvirt();
    if (recorded != null && hostName.equals(recorded.getHost()) && hosts.usableUri(recorded.getUri())
        && recorded.getStoragePool() != null && recorded.getStoragePool().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}")) {
      return Optional.of(new Placement(recorded.getUri(), recorded.getStoragePool()));
    }
    return ClusterHosts.find(hosts.resolve(facts.kvmCluster()).hosts(), hostName)
        .map(h -> new Placement(h.uri(), h.pool()));
  }

  private Optional<Placement> placement(KVMMachine kvm, MachineFacts facts, String hostName) {
    return placement(kvm, facts, hostName, hosts);
  }

  /**
   * Sets host, URI and pool in {@code status.libvirt} before the first libvirt call. It is written with the status
   * that follows the libvirt work (provisioned, or the failed step), not in a write of its own: a machine costs one
   * status write. Only a provider that dies during the libvirt calls leaves it unwritten; the next reconcile records
   * it again, and a deletion before that resolves the host as the KVMCluster names it then.
   */
  private static void recordPlacement(KVMMachine kvm, HostTarget host) {
    LibvirtPlacement p = kvm.getStatus() == null ? null : kvm.getStatus().getLibvirt();
    if (p != null && host.name().equals(p.getHost()) && host.uri().equals(p.getUri())
        && host.pool().equals(p.getStoragePool())) {
      return;
    }
    LibvirtPlacement next = new LibvirtPlacement();
    next.setHost(host.name());
    next.setUri(host.uri());
    next.setStoragePool(host.pool());
    if (kvm.getStatus() == null) {
      kvm.setStatus(new io.capkit.api.infra.KVMMachineStatus());
    }
    kvm.getStatus().setLibvirt(next);
  }

  private static Map<String, Integer> machinesPerHost(Context<KVMMachine> context, KVMMachine kvm) {
    Map<String, Integer> counts = new HashMap<>();
    String cluster = label(kvm, CapiObjects.CLUSTER_NAME_LABEL);
    List<KVMMachine> same;
    if (cluster != null) {
      same = MachineWatches.ofCluster(context.getPrimaryCache(), kvm.getMetadata().getNamespace(), cluster);
    } else {
      try (Stream<KVMMachine> all = context.getPrimaryCache().list(kvm.getMetadata().getNamespace())) {
        same = all.toList();
      }
    }
    same.stream().filter(m -> m.getSpec() != null && m.getSpec().getFailureDomain() != null)
        .forEach(m -> counts.merge(m.getSpec().getFailureDomain(), 1, Integer::sum));
    return counts;
  }

  private static String label(KVMMachine m, String key) {
    return m.getMetadata().getLabels() == null ? null : m.getMetadata().getLabels().get(key);
  }

  private static MachineIdentity identity(KVMMachine kvm) {
    return MachineIdentity.of(kvm.getMetadata().getNamespace(), kvm.getMetadata().getName());
  }

  private static KVMMachineSpec spec(KVMMachine kvm) {
    if (kvm.getSpec() == null) {
      kvm.setSpec(new KVMMachineSpec());
    }
    return kvm.getSpec();
  }
}
