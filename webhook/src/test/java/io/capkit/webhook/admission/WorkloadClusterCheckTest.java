package io.capkit.webhook.admission;

import static io.capkit.webhook.admission.Reviews.release;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.flavor.FlavorRules;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.release.ReleaseState;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The release a WorkloadCluster names, held to the flavor rules the renderer applies (in-memory releases). */
class WorkloadClusterCheckTest {
  private final WorkloadClusterCheck check = new WorkloadClusterCheck(new WorkloadClusterRules(Contract.standard()),
      Reviews.lookup(
          release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE),
          release("v29.1.1", "v1.33.5", ReleaseState.ACTIVE),
          release("v28.0.0", "v1.32.0", ReleaseState.DEPRECATED),
          release("v31.0.0", "v1.35.0", ReleaseState.WIP),
          release("v0.9.0", ReleaseState.ACTIVE, "kubernetes", "v1.32.9", "cluster-api-core", "1.10.7",
              "cluster-api-bootstrap-kubeadm", "1.10.7", "cluster-api-control-plane-kubeadm", "1.10.7",
              "cluster-api-provider-metal3", "1.10.3", "cluster-api-provider-byoh", "0.5.0"),
          release("v27.0.0", ReleaseState.ACTIVE, "kubernetes", "v1.31.0")));

  private static Map<String, Object> cluster(String release, String flavor) {
    Map<String, Object> wc = Reviews.workloadCluster(Map.of("WORKER_MACHINE_COUNT", 5,
        "METAL3_IMAGE_URL", "https://images.example/node.raw",
        "METAL3_IMAGE_CHECKSUM", "https://images.example/node.raw.sha256sum"));
    @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) wc.get("spec");
    spec.put("release", release);
    if (flavor != null) {
      spec.put("flavor", flavor);
    }
    return wc;
  }

  private List<String> create(String release, String flavor) {
    return formatted(check.check(Operation.CREATE, cluster(release, flavor), null));
  }

  private Verdict update(Map<String, Object> object, Map<String, Object> old) {
    return check.check(Operation.UPDATE, object, old);
  }

  private static List<String> formatted(Verdict v) {
    return v.problems().stream().map(Problem::format).toList();
  }

  @Test
  void aFlavorItsReleaseRunsIsAdmitted() {
    Verdict v = check.check(Operation.CREATE, cluster("v29.1.0", null), null);
    assertEquals(List.of(), formatted(v));
    assertEquals(List.of(), v.warnings());
    assertEquals(List.of(), create("v29.1.0", "kvm"));
    assertEquals(List.of(), create("v0.9.0", "byoh-metal3"));
  }

  @Test
  void aMissingReleaseIsDeniedOnSpecRelease() {
    assertEquals(List.of("spec.release: release v9.9.9 does not exist"), create("v9.9.9", "kvm"));
  }

  @Test
  void aFlavorTheReleaseContractRefusesIsDeniedOnSpecFlavorNamingTheRelease() {
    assertEquals(List.of("spec.flavor: flavor byoh-metal3 cannot run on release v29.1.0: release v29.1.0 follows "
        + "the CAPI v1beta2 contract (cluster-api-core 1.14.0); BYOH (v0.5.0, its newest release) serves only "
        + "infrastructure.cluster.x-k8s.io/v1beta1 and follows the v1beta1 contract"), create("v29.1.0", "byoh-metal3"));
    assertEquals(List.of("spec.flavor: flavor kvm cannot run on release v0.9.0: release v0.9.0 follows the CAPI "
        + "v1beta1 contract (cluster-api-core 1.10.7); capkit's KVM provider implements only the CAPI v1beta2 "
        + "contract"), create("v0.9.0", null), "the default flavor is held to the release too");
  }

  @Test
  void aReleaseWithoutTheFlavorsProvidersIsDeniedOnSpecRelease() {
    assertEquals(List.of("spec.release: release v29.1.0 has no cluster-api-provider-metal3 component, which flavor "
        + "kvm-metal3 needs"), create("v29.1.0", "kvm-metal3"));
    List<String> bare = create("v27.0.0", "kvm");
    assertEquals(4, bare.size(), bare.toString());
    assertTrue(bare.contains("spec.release: release v27.0.0 has no cluster-api-core component, which flavor kvm "
        + "needs"), bare.toString());
  }

  @Test
  void wipReleasesAreDeniedAndDeprecatedOnesWarnAsTheRendererDoes() {
    assertEquals(List.of("spec.release: release v31.0.0 is wip and may not be used by clusters yet"),
        create("v31.0.0", "kvm"));
    Verdict deprecated = check.check(Operation.CREATE, cluster("v28.0.0", "kvm"), null);
    assertTrue(deprecated.allowed(), deprecated.toString());
    assertEquals(List.of("release v28.0.0 is deprecated; plan an upgrade to an active release"),
        deprecated.warnings());
  }

  @Test
  void updatesThatKeepReleaseAndFlavorAreNotHeldToTheRelease() {
    Map<String, Object> edited = cluster("v9.9.9", "byoh-metal3");
    @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) edited.get("spec");
    @SuppressWarnings("unchecked") Map<String, Object> variables = (Map<String, Object>) spec.get("variables");
    variables.put("WORKER_MACHINE_COUNT", 7);
    assertTrue(update(edited, cluster("v9.9.9", "byoh-metal3")).allowed(), "a release deleted since");
    assertTrue(update(cluster("v29.1.0", "byoh-metal3"), cluster("v29.1.0", "byoh-metal3")).allowed(),
        "a cluster admitted before this rule keeps working");
    assertTrue(update(cluster("v0.9.0", "kvm"), cluster("v0.9.0", null)).allowed(),
        "spec.flavor: kvm spells out the default, it does not change it");
    assertTrue(update(cluster("v31.0.0", "kvm"), cluster("v31.0.0", "kvm")).allowed());
  }

  @Test
  void updatesThatMoveReleaseOrFlavorAreHeldToTheRelease() {
    assertEquals(List.of("spec.release: release v9.9.9 does not exist"),
        formatted(update(cluster("v9.9.9", "kvm"), cluster("v29.1.0", "kvm"))));
    assertEquals(List.of("spec.release: release v29.1.0 has no cluster-api-provider-metal3 component, which flavor "
        + "kvm-metal3 needs"), formatted(update(cluster("v29.1.0", "kvm-metal3"), cluster("v29.1.0", "kvm"))));
    List<String> toV1beta1 = formatted(update(cluster("v0.9.0", "kvm"), cluster("v29.1.0", "kvm")));
    assertEquals(3, toV1beta1.size(), toV1beta1.toString());
    assertTrue(toV1beta1.get(0).startsWith("spec.flavor: flavor kvm cannot run on release v0.9.0: "), toV1beta1.get(0));
    assertEquals("spec.release: moving from release v29.1.0 to v0.9.0: cannot downgrade Kubernetes from v1.33.4 to "
        + "v1.32.9", toV1beta1.get(1));
    assertEquals("spec.release: moving from release v29.1.0 to v0.9.0: release v0.9.0 is older than v29.1.0; "
        + "downgrades are not allowed", toV1beta1.get(2));
    assertEquals(List.of("spec.release: moving from release v29.1.0 to v31.0.0: cannot upgrade Kubernetes from "
        + "v1.33.4 to v1.35.0: skips 1 minor version(s); upgrade one minor version at a time",
        "spec.release: release v31.0.0 is wip and may not be used by clusters yet"),
        formatted(update(cluster("v31.0.0", "kvm"), cluster("v29.1.0", "kvm"))));
    Verdict flavorOnWip = update(cluster("v31.0.0", "kvm"), cluster("v31.0.0", "metal3"));
    assertTrue(flavorOnWip.allowed(), "the wip rule is about choosing a release, not about staying on one");
  }

  @Test
  void movingToAnotherReleaseFollowsTheUpgradePathOfItsKubernetesVersion() {
    assertTrue(update(cluster("v29.1.0", "kvm"), cluster("v28.0.0", "kvm")).allowed(), "v1.32.0 to the next minor");
    assertTrue(update(cluster("v29.1.1", "kvm"), cluster("v29.1.0", "kvm")).allowed(), "a patch release");
    assertEquals(List.of("spec.release: moving from release v29.1.0 to v28.0.0: cannot downgrade Kubernetes from "
        + "v1.33.4 to v1.32.0", "spec.release: moving from release v29.1.0 to v28.0.0: release v28.0.0 is deprecated; "
        + "move to an active or preview release", "spec.release: moving from release v29.1.0 to v28.0.0: release "
        + "v28.0.0 is older than v29.1.0; downgrades are not allowed"),
        formatted(update(cluster("v28.0.0", "kvm"), cluster("v29.1.0", "kvm"))));
    assertEquals(List.of("spec.release: moving from release v27.0.0 to v29.1.0: cannot upgrade Kubernetes from "
        + "v1.31.0 to v1.33.4: skips 1 minor version(s); upgrade one minor version at a time"),
        formatted(update(cluster("v29.1.0", "kvm"), cluster("v27.0.0", "kvm"))));
    Verdict fromDeleted = update(cluster("v29.1.0", "kvm"), cluster("v26.0.0", "kvm"));
    assertTrue(fromDeleted.allowed(), "a previous release deleted since cannot be held against the move");
    assertEquals(List.of("cannot check the upgrade path from release v26.0.0 to v29.1.0: release v26.0.0 is unknown"),
        fromDeleted.warnings());
  }

  @Test
  void whatTheContractRulesAlreadyDenyIsNotLookedUpAgain() {
    List<String> nested = create("v29.1.0", "nested-metal3");
    assertEquals(1, nested.size(), nested.toString());
    assertTrue(nested.get(0).startsWith("spec.flavor: flavor nested-metal3 is refused: "), nested.get(0));
    Map<String, Object> noRelease = cluster("v29.1.0", null);
    Map<String, Object> spec = new LinkedHashMap<>(Reviews.tree(noRelease.get("spec")));
    spec.remove("release");
    noRelease.put("spec", spec);
    assertEquals(List.of("spec.release: is required (a Release name, e.g. v29.1.0)"),
        formatted(check.check(Operation.CREATE, noRelease, null)));
  }
}
