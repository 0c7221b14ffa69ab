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
