package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.capkit.provider.runtime.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KvmMachineReconcilerTest {
  private static KVMMachine machine(boolean owned, long generation) {
    KVMMachine k = new KVMMachine();
    ObjectMetaBuilder m = new ObjectMetaBuilder().withNamespace("ns").withName("m").withGeneration(generation);
    if (owned) {
      m.withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(CapiObjects.API_VERSION).withKind("Machine")
          .withName("m").withUid("u1").build());
    }
    k.setMetadata(m.build());
    return k;
  }

  @Test
  void ownerArrivingSpecAnnotationsAndDeletionCountOwnStatusWritesDoNot() {
    assertTrue(KvmMachineReconciler.worthReconciling(machine(true, 1), machine(false, 1)), "owner reference added");
    assertTrue(KvmMachineReconciler.worthReconciling(machine(true, 2), machine(true, 1)), "spec changed");
    KVMMachine paused = machine(true, 1);
    paused.getMetadata().setAnnotations(Map.of(CapiObjects.PAUSED_ANNOTATION, ""));
    assertTrue(KvmMachineReconciler.worthReconciling(paused, machine(true, 1)), "paused annotation");
    KVMMachine deleting = machine(true, 1);
    deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    assertTrue(KvmMachineReconciler.worthReconciling(deleting, machine(true, 1)), "deletion");

    KVMMachine withStatus = machine(true, 1);
    withStatus.setStatus(new KVMMachineStatus());
    assertFalse(KvmMachineReconciler.worthReconciling(withStatus, machine(true, 1)), "a status write");
    assertFalse(KvmMachineReconciler.worthReconciling(machine(false, 2), machine(false, 1)), "no owner yet");
  }

  private static KVMMachine unclaimed() {
    KVMMachine k = machine(true, 1);
    k.setSpec(new io.capkit.api.infra.KVMMachineSpec());
    k.getSpec().setCpus(2);
    k.getSpec().setMemory("4Gi");
    return k;
  }

  private static KVMMachine claimed(KVMMachine before, String host) {
    KVMMachine k = io.fabric8.kubernetes.client.utils.Serialization.clone(before);
    k.getMetadata().setGeneration(before.getMetadata().getGeneration() + 1);
    k.getMetadata().setFinalizers(java.util.List.of(KvmMachineReconciler.FINALIZER));
    k.getSpec().setFailureDomain(host);
    k.getSpec().setProviderID(MachineIdentity.of("ns", "m").providerId(host));
    return k;
  }

  /**
   * The provider's own host claim (finalizer, spec.failureDomain, spec.providerID in one write) does not start
   * another reconcile: the claiming reconcile provisions in the same run. Anything more in the same update does.
   */
  @Test
  void ownHostClaimIsNotWorthAReconcileAnythingElseIs() {
    KVMMachine before = unclaimed();
    assertFalse(KvmMachineReconciler.worthReconciling(claimed(before, "h1"), before), "the claim itself");

    KVMMachine moreSpec = claimed(before, "h1");
    moreSpec.getSpec().setCpus(4);
    assertTrue(KvmMachineReconciler.worthReconciling(moreSpec, before), "claim plus a spec change");
    KVMMachine foreignId = claimed(before, "h1");
    foreignId.getSpec().setProviderID("kvm://h1/not-this-machine");
    assertTrue(KvmMachineReconciler.worthReconciling(foreignId, before), "a providerID not derived from the host");
    KVMMachine noFinalizer = claimed(before, "h1");
    noFinalizer.getMetadata().setFinalizers(null);
    assertTrue(KvmMachineReconciler.worthReconciling(noFinalizer, before), "providerID set by someone else");
    KVMMachine annotated = claimed(before, "h1");
    annotated.getMetadata().setAnnotations(Map.of(CapiObjects.PAUSED_ANNOTATION, ""));
    assertTrue(KvmMachineReconciler.worthReconciling(annotated, before), "claim plus the paused annotation");
    KVMMachine deleting = claimed(before, "h1");
    deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    assertTrue(KvmMachineReconciler.worthReconciling(deleting, before), "claim plus a deletion");
    KVMMachine alreadyClaimed = claimed(before, "h1");
    KVMMachine respec = claimed(before, "h1");
    respec.getMetadata().setGeneration(3L);
    respec.getSpec().setMemory("8Gi");
    assertTrue(KvmMachineReconciler.worthReconciling(respec, alreadyClaimed), "a later spec change");
  }

  /**
   * A provisioned guest that never reports an address was polled every 15 s forever; now the polls grow and stop
   * after {@link Backoff#ADDRESS_POLLS}, an address ends them, and a spec change (new generation) starts them again.
   */
  @Test
  void addressPollingIsBoundedEndsWithAnAddressAndRestartsOnChange() {
    KvmMachineReconciler r = new KvmMachineReconciler(null, null, null, null, Clock.systemUTC());
    KVMMachine m = machine(true, 1);
    m.getMetadata().setUid("uid-1");
    int polls = 0;
    while (r.nextAddressPoll(m, false).isPresent()) {
      polls++;
      assertTrue(polls <= Backoff.ADDRESS_POLLS, "polling never ends");
    }
    assertEquals(Backoff.ADDRESS_POLLS, polls);
    assertTrue(r.nextAddressPoll(m, false).isEmpty(), "still no poll without a change");
    KVMMachine changed = machine(true, 2);
    changed.getMetadata().setUid("uid-1");
    assertEquals(Optional.of(Duration.ofSeconds(15)), r.nextAddressPoll(changed, false), "a spec change polls again");
    assertTrue(r.nextAddressPoll(changed, true).isEmpty(), "an address ends polling");
    assertEquals(Optional.of(Duration.ofSeconds(15)), r.nextAddressPoll(changed, false), "counting starts over");
  }
}
