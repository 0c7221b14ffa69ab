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

  @Test
  void aRememberedResolutionIsBoundToTheLayersOfEachCall() {
    ValidatedLayers validated = new ValidatedLayers(contract);
    Layer mc = new Layer("management cluster mc", "mc/defaults.yaml", Map.of("WORKER_MACHINE_MEMORY", "16Gi"));
    Layer orgLayer = new Layer("organization acme", "acme/defaults.yaml", Map.of("BASE_DOMAIN", "acme.example"));
    for (int i = 0; i < 3; i++) {
      Layer cluster = new Layer("cluster", "wc-" + i + "/cluster.yaml", Map.of("WORKER_MACHINE_COUNT", 3));
      Layer derivedHere = new Layer("derived", "capkit", Map.of("NAMESPACE", "org-acme"));
      ResolvedVariables shared = ResolvedVariables.resolve(validated, List.of(mc, orgLayer, cluster), derivedHere);
      ResolvedVariables fresh = ResolvedVariables.resolve(contract, List.of(mc, orgLayer, cluster), derivedHere);
      assertEquals(fresh.entries(), shared.entries());
      assertSame(cluster, shared.entries().get("WORKER_MACHINE_COUNT").from());
      assertSame(derivedHere, shared.entries().get("NAMESPACE").from());
      assertSame(mc, shared.entries().get("WORKER_MACHINE_MEMORY").from());
      assertEquals("16384Mi", shared.get("WORKER_MACHINE_MEMORY"));
      assertEquals(1, validated.rememberedResolutions());
    }
    // Other values are another resolution.
    Layer other = new Layer("cluster", "wc-9/cluster.yaml", Map.of("WORKER_MACHINE_COUNT", 5));
    ResolvedVariables five = ResolvedVariables.resolve(validated, List.of(mc, orgLayer, other), derived);
    assertEquals(5, five.get("WORKER_MACHINE_COUNT"));
    assertEquals(2, validated.rememberedResolutions());
  }

  @Test
  void aResolutionWithProblemsIsNotRememberedAndNamesItsOwnFile() {
    ValidatedLayers validated = new ValidatedLayers(contract);
    for (int i = 0; i < 2; i++) {
      Layer cluster = new Layer("cluster", "wc-" + i + "/cluster.yaml", Map.of("WORKER_MACHINE_COUNT", -1));
      ResolvedVariables r = ResolvedVariables.resolve(validated, List.of(cluster), derived);
      assertFalse(r.valid());
      assertEquals("wc-" + i + "/cluster.yaml", r.problems().get(0).file());
    }
    assertEquals(0, validated.rememberedResolutions());
  }

  @Test
  void rememberedResolutionsAreBounded() {
    ValidatedLayers validated = new ValidatedLayers(contract);
    int n = ValidatedLayers.REMEMBERED_RESOLUTIONS + 10;
    for (int i = 0; i < n; i++) {
      Layer cluster = new Layer("cluster", "wc-" + i + "/cluster.yaml", Map.of("BASE_DOMAIN", "d" + i + ".example"));
      assertEquals("d" + i + ".example", ResolvedVariables.resolve(validated, List.of(cluster), derived)
          .get("BASE_DOMAIN"));
    }
    assertEquals(ValidatedLayers.REMEMBERED_RESOLUTIONS, validated.rememberedResolutions());
  }
}
