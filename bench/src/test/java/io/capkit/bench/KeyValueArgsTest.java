package io.capkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyValueArgsTest {
  @Test
  void keepsOrderSplitsAtTheFirstEqualsAndRefusesAnythingElse() {
    var a = KeyValueArgs.parse(new String[] {"repo=/r", "opts=-Da=b", "reps=3"});
    assertEquals(List.of("repo", "opts", "reps"), List.copyOf(a.keySet()));
    assertEquals("-Da=b", a.get("opts"));
    assertEquals("expected key=value, got \"reps\"",
        assertThrows(IllegalArgumentException.class, () -> KeyValueArgs.parse(new String[] {"reps"})).getMessage());
    assertThrows(IllegalArgumentException.class, () -> KeyValueArgs.parse(new String[] {"=3"}));
  }
}
