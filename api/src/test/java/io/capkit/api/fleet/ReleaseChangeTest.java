package io.capkit.api.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.flavor.FlavorRules;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseComponent;
import io.capkit.api.release.ReleaseSpec;
import io.capkit.api.release.ReleaseState;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The one rule for moving a WorkloadCluster between releases, which the webhook and capkit promote both apply. */
class ReleaseChangeTest {
  private static final WorkloadClusterRules RULES = new WorkloadClusterRules(Contract.standard());
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
    assertEquals("", move("v1.0.0", "v1.1.0"));
    assertEquals("", move("v1.1.0", "v1.2.0"));
    assertEquals("", move("v1.2.0", "v2.0.0"));
  }

  @Test
  void refusesMissingWipDeprecatedDowngradeAndSkip() {
    assertEquals("spec.release: release v9.9.9 does not exist", move("v1.0.0", "v9.9.9"));
    assertTrue(move("v1.2.0", "v1.3.0").contains("release v1.3.0 is wip"));
    assertTrue(move("v1.0.0", "v0.9.0").contains("release v0.9.0 is deprecated"));
    String downgrade = move("v1.2.0", "v1.1.0");
    assertTrue(downgrade.contains("release v1.1.0 is older than v1.2.0; downgrades are not allowed"), downgrade);
    assertTrue(downgrade.contains("cannot downgrade Kubernetes from v1.34.0 to v1.33.1"), downgrade);
    assertEquals("spec.release: moving from release v1.0.0 to v1.2.0: cannot upgrade Kubernetes from v1.32.4 to "
        + "v1.34.0: skips 1 minor version(s); upgrade one minor version at a time", move("v1.0.0", "v1.2.0"));
  }

  @Test
  void aMajorKubernetesChangeIsItsOwnRuleNotAThousandSkippedMinors() {
    assertEquals("spec.release: moving from release v2.0.0 to v3.0.0: cannot move Kubernetes from v1.35.0 to "
        + "v2.0.0: major version changes are not supported", move("v2.0.0", "v3.0.0"));
  }

  @Test
  void anUnknownOldReleaseOnlyWarns() {
    List<String> warnings = new ArrayList<>();
    assertEquals(List.of(), RULES.checkChange(spec("v7.0.0"), spec("v1.1.0"), lookup(), warnings));
    assertEquals(List.of("cannot check the upgrade path from release v7.0.0 to v1.1.0: release v7.0.0 is unknown"),
        warnings);
  }

  private static String move(String from, String to) {
    return RULES.checkChange(spec(from), spec(to), lookup(), new ArrayList<>()).stream().map(Problem::format)
        .collect(Collectors.joining("\n"));
  }

  private static java.util.function.Function<String, Optional<Release>> lookup() {
    return name -> Optional.ofNullable(RELEASES.get(name));
  }

  private static WorkloadClusterSpec spec(String release) {
    WorkloadClusterSpec s = new WorkloadClusterSpec();
    s.setRelease(release);
    return s;
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
    List<ReleaseComponent> components = new ArrayList<>(List.of(new ReleaseComponent(Release.KUBERNETES, kubernetes),
        new ReleaseComponent(Release.CAPI_CORE, "1.14.0")));
    FlavorRules.standard().requiredComponents("kvm").stream().filter(c -> !c.equals(Release.CAPI_CORE))
        .forEach(c -> components.add(new ReleaseComponent(c, "1.0.0")));
    spec.setComponents(components);
    spec.setState(state);
    spec.setDate("2025-01-01T00:00:00Z");
    r.setSpec(spec);
    return r;
  }
}
