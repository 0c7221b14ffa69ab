package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Instant T1 = Instant.parse("2025-01-01T10:00:00.123Z");
  private static final Instant T2 = Instant.parse("2025-01-01T11:00:00Z");

  @Test
  void transitionTimeChangesOnlyWhenStatusChanges() {
    List<Condition> c = Conditions.set(null, "Ready", false, "Waiting", "a", 1, T1);
    assertEquals("2025-01-01T10:00:00Z", c.get(0).getLastTransitionTime());
    c = Conditions.set(c, "Ready", false, "OtherReason", "b", 2, T2);
    assertEquals("2025-01-01T10:00:00Z", c.get(0).getLastTransitionTime());
    assertEquals("OtherReason", c.get(0).getReason());
    assertEquals(2L, c.get(0).getObservedGeneration());
    c = Conditions.set(c, "Ready", true, "Provisioned", "", 2, T2);
    assertEquals("2025-01-01T11:00:00Z", c.get(0).getLastTransitionTime());
    assertTrue(Conditions.isTrue(c, "Ready"));
  }

  @Test
  void listIsSortedByTypeWhateverTheOrderOfSetting() {
    List<Condition> c = Conditions.set(null, "VolumesReady", true, "Done", "", 1, T1);
    c = Conditions.set(c, "Paused", false, "NotPaused", "", 1, T1);
    c = Conditions.set(c, "DomainDefined", true, "Done", "", 1, T1);
    assertEquals(List.of("DomainDefined", "Paused", "VolumesReady"), c.stream().map(Condition::getType).toList());
  }
}
