package io.capkit.gitops.promote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSelectorTest {
  private static final ClusterFile WC = ClusterFile.match("", "management-clusters/mc1/organizations/acme/"
      + "workload-clusters/prod-eu1/cluster.yaml").orElseThrow();
  private static final Map<String, Object> DOC = Map.of(
      "metadata", Map.of("labels", Map.of("tier", "gold")), "spec", Map.of("release", "v1.0.0"));

  @Test
  void allTermsMustHold() {
    assertTrue(ClusterSelector.parse("mc=mc1,org=acme,name=prod-*,label:tier=gold,release=v1.0.0").matches(WC, DOC));
    assertFalse(ClusterSelector.parse("org=acme,name=dev-*").matches(WC, DOC));
    assertFalse(ClusterSelector.parse("label:tier=silver").matches(WC, DOC));
    assertFalse(ClusterSelector.parse("release=v1.1.0").matches(WC, DOC));
    assertTrue(ClusterSelector.parse("name=prod-??1").matchesPath(WC));
    assertFalse(ClusterSelector.parse("name=prod.eu1").matchesPath(WC));
  }

  @Test
  void normalisedFormIgnoresOrderAndSoDoesTheBranch() {
    assertEquals("mc=mc1,org=acme", ClusterSelector.parse(" org=acme , mc=mc1").normalized());
    assertEquals(PromotionPlan.branch("v1.2.0", ClusterSelector.parse("org=acme,mc=mc1")),
        PromotionPlan.branch("v1.2.0", ClusterSelector.parse("mc=mc1,org=acme")));
    assertTrue(PromotionPlan.branch("v1.2.0", ClusterSelector.parse("org=acme"))
        .matches("capkit/promote-v1\\.2\\.0-[0-9a-f]{8}"));
  }

  @Test
  void badExpressionsNameTheOption() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> ClusterSelector.parse("team=a,org="));
    assertEquals("--select: \"org=\" has an empty value\n--select: unknown field \"team\" (fields: mc, org, name, "
        + "label:KEY, release)", e.getMessage());
  }
}
