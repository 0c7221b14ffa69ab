package io.capkit.api.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PromotionRulesTest {
  private static final Map<String, Release> RELEASES = releases(
      release("v1.0.0", "1.32.4", ReleaseState.ACTIVE),
      release("v1.1.0", "1.33.1", ReleaseState.ACTIVE),
      release("v1.2.0", "1.34.0", ReleaseState.ACTIVE),
      release("v1.3.0", "1.34.2", ReleaseState.WIP),
      release("v0.9.0", "1.32.0", ReleaseState.DEPRECATED),
      release("v2.0.0", "1.35.0", ReleaseState.PREVIEW),
      release("v3.0.0", "2.0.0", ReleaseState.ACTIVE));

  @Test
  void nextMinorAndPatchAndPreviewAreAllowed() {
    assertEquals(List.of(), PromotionRules.check("v1.0.0", "v1.1.0", RELEASES));
    assertEquals(List.of(), PromotionRules.check("v1.1.0", "v1.2.0", RELEASES));
    assertEquals(List.of(), PromotionRules.check("v1.2.0", "v2.0.0", RELEASES));
  }

  @Test
  void refusesMissingWipDeprecatedDowngradeAndSkip() {
    assertEquals("spec.release: release v9.9.9 does not exist in releases/",
        text(PromotionRules.check("v1.0.0", "v9.9.9", RELEASES)));
    assertTrue(text(PromotionRules.check("v1.2.0", "v1.3.0", RELEASES)).contains("v1.3.0 is wip"));
    assertTrue(text(PromotionRules.check("v1.0.0", "v0.9.0", RELEASES)).contains("v0.9.0 is deprecated"));
    String downgrade = text(PromotionRules.check("v1.2.0", "v1.1.0", RELEASES));
    assertTrue(downgrade.contains("release v1.1.0 is older than v1.2.0; downgrades are not allowed"), downgrade);
    assertTrue(downgrade.contains("cannot downgrade Kubernetes from v1.34.0 to v1.33.1"), downgrade);
    assertEquals("spec.release: moving from release v1.0.0 to v1.2.0: cannot upgrade Kubernetes from v1.32.4 to "
        + "v1.34.0: skips 1 minor version(s); upgrade one minor version at a time",
        text(PromotionRules.check("v1.0.0", "v1.2.0", RELEASES)));
    assertTrue(text(PromotionRules.check("v7.0.0", "v1.1.0", RELEASES)).contains("current release v7.0.0"));
  }

  @Test
  void aMajorKubernetesChangeIsItsOwnRuleNotAThousandSkippedMinors() {
    assertEquals("spec.release: moving from release v2.0.0 to v3.0.0: cannot move Kubernetes from v1.35.0 to "
        + "v2.0.0: major version changes are not supported", text(PromotionRules.check("v2.0.0", "v3.0.0", RELEASES)));
  }

  private static String text(List<Problem> problems) {
    return problems.stream().map(Problem::format).collect(Collectors.joining("\n"));
  }

  private static Map<String, Release> releases(Release... rs) {
    Map<String, Release> m = new TreeMap<>();
    for (Release r : rs) {
      m.put(r.getMetadata().getName(), r);
    }
    return m;
  }

  private static Release release(String name, String kubernetes, ReleaseState state) {
    Release r = new Release();
    r.setMetadata(new ObjectMeta());
    r.getMetadata().setName(name);
    ReleaseSpec spec = new ReleaseSpec();
    spec.setComponents(List.of(new ReleaseComponent(Release.KUBERNETES, kubernetes)));
    spec.setState(state);
    spec.setDate("2025-01-01T00:00:00Z");
    r.setSpec(spec);
    return r;
  }
}
