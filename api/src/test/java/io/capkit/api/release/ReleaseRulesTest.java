package io.capkit.api.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.capkit.api.contract.KubernetesVersion;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseRulesTest {

  static Release release(String name, String kubernetes, ReleaseState state) {
    Release r = new Release();
    r.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ReleaseSpec s = new ReleaseSpec();
    List<ReleaseComponent> c = new ArrayList<>();
    if (kubernetes != null) {
      c.add(new ReleaseComponent("kubernetes", kubernetes));
    }
    c.add(new ReleaseComponent("cluster-api-core", "v1.14.0"));
    s.setComponents(c);
    s.setDate("2025-06-01T00:00:00Z");
    s.setState(state);
    r.setSpec(s);
    return r;
  }

  private static List<String> fmt(List<Problem> p) {
    return p.stream().map(Problem::format).toList();
  }

  @Test
  void aWellFormedReleaseIsValid() {
    assertEquals(List.of(), ReleaseRules.validate(release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE)));
  }

  @Test
  void nameMustBeVxyz() {
    assertEquals(List.of("metadata.name: \"29.1.0\" is not a release name (vX.Y.Z, e.g. v29.1.0)"),
        fmt(ReleaseRules.validate(release("29.1.0", "v1.33.4", ReleaseState.ACTIVE))));
    assertTrue(ReleaseRules.validate(release("v29.1", "v1.33.4", ReleaseState.ACTIVE)).get(0).path()
        .equals("metadata.name"));
  }

  @Test
  void kubernetesComponentIsRequiredAndVersioned() {
    assertEquals(List.of("spec.components: must list the \"kubernetes\" component"),
        fmt(ReleaseRules.validate(release("v1.0.0", null, ReleaseState.WIP))));
    assertEquals(List.of("spec.components[0].version: \"1.33\" is not a semantic version (e.g. v1.33.4)"),
        fmt(ReleaseRules.validate(release("v1.0.0", "1.33", ReleaseState.WIP))));
  }

  @Test
  void everyProblemOfOneReleaseIsReported() {
    Release r = release("x", "v1.33.4", null);
    r.getSpec().setDate("yesterday");
    r.getSpec().getComponents().add(new ReleaseComponent("kubernetes", "v1.33.5"));
    ReleaseApp app = new ReleaseApp();
    app.setName("cilium");
    ChartSource chart = new ChartSource();
    chart.setRepository("http://insecure");
    app.setChart(chart);
    r.getSpec().setApps(List.of(app));
    List<String> p = fmt(ReleaseRules.validate(r));
    assertEquals(List.of(
        "metadata.name: \"x\" is not a release name (vX.Y.Z, e.g. v29.1.0)",
        "spec.apps[0].chart.repository: \"http://insecure\" is not an https:// or oci:// URL",
        "spec.apps[0].version: is required (the chart version)",
        "spec.components[2].name: \"kubernetes\" is listed twice",
        "spec.date: \"yesterday\" is not an RFC 3339 date-time (e.g. 2025-06-01T00:00:00Z)",
        "spec.state: is required (wip, preview, active or deprecated)"), p);
  }

  @Test
  void specIsImmutableOnceActiveButStateMayMove() {
    Release old = release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE);
    Release changed = release("v29.1.0", "v1.33.5", ReleaseState.ACTIVE);
    assertEquals(List.of("spec.components: is immutable once the release has been active; publish a new release "
        + "instead"), fmt(ReleaseRules.validateUpdate(old, changed)));
    Release deprecated = release("v29.1.0", "v1.33.4", ReleaseState.DEPRECATED);
    assertEquals(List.of(), ReleaseRules.validateUpdate(old, deprecated));
    Release wip = release("v29.1.0", "v1.33.4", ReleaseState.WIP);
    assertEquals(List.of(), ReleaseRules.validateUpdate(wip, release("v29.1.0", "v1.33.9", ReleaseState.PREVIEW)),
        "a wip release may still change");
  }

  @Test
  void stateTransitions() {
    String[][] cases = {
        {"WIP", "PREVIEW", "ok"}, {"WIP", "ACTIVE", "ok"}, {"PREVIEW", "ACTIVE", "ok"}, {"ACTIVE", "DEPRECATED", "ok"},
        {"DEPRECATED", "ACTIVE", "ok"}, {"ACTIVE", "WIP", "no"}, {"ACTIVE", "PREVIEW", "no"}, {"PREVIEW", "WIP", "no"},
        {"DEPRECATED", "WIP", "no"}, {"WIP", "DEPRECATED", "no"}};
    for (String[] c : cases) {
      List<Problem> p = ReleaseRules.validateUpdate(release("v1.0.0", "v1.33.4", ReleaseState.valueOf(c[0])),
          release("v1.0.0", "v1.33.4", ReleaseState.valueOf(c[1])));
      assertEquals(c[2].equals("ok"), p.isEmpty(), c[0] + "→" + c[1] + ": " + p);
      if (!p.isEmpty()) {
        assertEquals("spec.state", p.get(0).path());
      }
    }
  }

  @Test
  void newClustersStayOffWipAndDeprecatedReleases() {
    assertEquals(List.of("metadata.labels.release.capkit.io/version: release v1.0.0 is wip and may not be used by "
        + "clusters yet"), fmt(ReleaseRules.checkNewCluster(release("v1.0.0", "v1.33.4", ReleaseState.WIP),
        "metadata.labels.release.capkit.io/version")));
    assertEquals(1, ReleaseRules.checkNewCluster(release("v1.0.0", "v1.33.4", ReleaseState.DEPRECATED), "x").size());
    assertEquals(List.of(), ReleaseRules.checkNewCluster(release("v1.0.0", "v1.33.4", ReleaseState.PREVIEW), "x"));
    assertTrue(ReleaseRules.deprecationWarning(release("v1.0.0", "v1.33.4", ReleaseState.DEPRECATED)).isPresent());
    assertTrue(ReleaseRules.deprecationWarning(release("v1.0.0", "v1.33.4", ReleaseState.ACTIVE)).isEmpty());
    assertEquals(List.of("spec.release: release v1.0.0 is wip and may not be used by clusters yet"),
        fmt(ReleaseRules.checkNotWip(release("v1.0.0", "v1.33.4", ReleaseState.WIP), "spec.release")));
    assertEquals(List.of(), ReleaseRules.checkNotWip(release("v1.0.0", "v1.33.4", ReleaseState.DEPRECATED), "x"),
        "moving to a deprecated release is the upgrade rules' business, not a wip problem");
  }

  @Test
  void kubernetesVersionMustMatchTheRelease() {
    Release r = release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE);
    assertEquals(List.of(), ReleaseRules.checkKubernetesVersion(r, "1.33.4", "spec.topology.version"));
    assertEquals(List.of("spec.topology.version: v1.33.5 does not match release v29.1.0, which ships Kubernetes "
        + "v1.33.4"), fmt(ReleaseRules.checkKubernetesVersion(r, "v1.33.5", "spec.topology.version")));
  }

  @Test
  void upgradesMoveOneMinorAtATimeAndNeverBack() {
    KubernetesVersion v133 = KubernetesVersion.parse("v1.33.4");
    assertEquals(List.of(), ReleaseRules.checkUpgrade(v133, KubernetesVersion.parse("v1.34.0"), "p"));
    assertEquals(List.of(), ReleaseRules.checkUpgrade(v133, KubernetesVersion.parse("v1.33.9"), "p"));
    assertEquals(List.of(), ReleaseRules.checkUpgrade(v133, v133, "p"));
    assertEquals(List.of("p: cannot downgrade Kubernetes from v1.33.4 to v1.33.3"),
        fmt(ReleaseRules.checkUpgrade(v133, KubernetesVersion.parse("v1.33.3"), "p")));
    assertEquals(List.of("p: cannot downgrade Kubernetes from v1.33.4 to v1.32.9"),
        fmt(ReleaseRules.checkUpgrade(v133, KubernetesVersion.parse("v1.32.9"), "p")));
    assertEquals(List.of("p: cannot upgrade Kubernetes from v1.33.4 to v1.35.0: skips 1 minor version(s); upgrade "
        + "one minor version at a time"), fmt(ReleaseRules.checkUpgrade(v133, KubernetesVersion.parse("v1.35.0"), "p")));
    assertEquals(List.of("p: cannot move Kubernetes from v1.33.4 to v2.0.0: major version changes are not supported"),
        fmt(ReleaseRules.checkUpgrade(v133, KubernetesVersion.parse("v2.0.0"), "p")));
  }
}
