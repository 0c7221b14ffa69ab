package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidatedLayersTest {
  private final Contract contract = Contract.standard();
  private final Layer org = new Layer("organization acme", "acme/defaults.yaml",
      Map.of("CONTROL_PLANE_MACHINE_COUNT", 2, "NAMESPACE", "x"));
  private final Layer derived = new Layer("derived", "capkit", Map.of("NAMESPACE", "org-acme"));

  @Test
  void sharedValidationGivesTheSameProblemsAsAFreshOne() {
    ValidatedLayers validated = new ValidatedLayers(contract);
    for (int i = 0; i < 3; i++) {
      Layer cluster = new Layer("cluster", "wc-" + i + "/cluster.yaml", Map.of("WORKER_MACHINE_COUNT", -i));
      ResolvedVariables fresh = ResolvedVariables.resolve(contract, List.of(org, cluster), derived);
      ResolvedVariables shared = ResolvedVariables.resolve(validated, List.of(org, cluster), derived);
      assertFalse(fresh.valid());
      assertEquals(fresh.problems(), shared.problems());
      assertEquals(fresh.entries(), shared.entries());
    }
  }

  @Test
  void aLayerObjectIsValidatedOnce() {
    ValidatedLayers validated = new ValidatedLayers(contract);
    List<?> first = validated.problems(org);
    assertEquals(2, first.size(), first.toString());
    assertSame(first, validated.problems(org));
    // An equal but distinct layer object is validated again: identity, not value, is the key.
    assertNotSame(first, validated.problems(new Layer(org.name(), org.origin(), org.values())));
  }
}
