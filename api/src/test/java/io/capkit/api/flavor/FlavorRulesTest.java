package io.capkit.api.flavor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseComponent;
import io.capkit.api.release.ReleaseSpec;
import io.capkit.api.release.ReleaseState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlavorRulesTest {
  private final FlavorRules rules = FlavorRules.standard();
  private static final Map<String, String> KVM_ON_V1BETA2 = Map.of("kubernetes", "v1.33.5",
      "cluster-api-core", "1.14.0", "cluster-api-bootstrap-kubeadm", "1.14.0",
      "cluster-api-control-plane-kubeadm", "1.14.0", "cluster-api-provider-kvm", "0.2.0");
  private static final Map<String, String> BYOH_ON_V1BETA1 = Map.of("kubernetes", "v1.32.9",
      "cluster-api-core", "1.10.7", "cluster-api-bootstrap-kubeadm", "1.10.7",
      "cluster-api-control-plane-kubeadm", "1.10.7", "cluster-api-provider-metal3", "1.10.3",
      "cluster-api-provider-byoh", "0.5.0");

  @Test
  void theContractComesFromClusterApiCore() {
    assertEquals(Optional.of("v1beta2"), rules.contractOf("v1.1.0", KVM_ON_V1BETA2).contract());
    assertEquals("release v0.9.0 follows the CAPI v1beta1 contract (cluster-api-core 1.10.7)",
        rules.contractOf("v0.9.0", BYOH_ON_V1BETA1).because());
    FlavorRules.ReleaseContract none = rules.contractOf("v0.1.0", Map.of("cluster-api-core", "0.4.0"));
    assertEquals(Optional.empty(), none.contract());
    assertEquals("release v0.1.0 lists cluster-api-core 0.4.0, which follows no CAPI contract capkit renders",
        none.because());
  }

  @Test
  void aFlavorItsReleaseSupportsPasses() {
    assertEquals(List.of(), rules.check("kvm", "v1.1.0", KVM_ON_V1BETA2));
    assertEquals(List.of(), rules.check("byoh-metal3", "v0.9.0", BYOH_ON_V1BETA1));
  }

  @Test
  void aFlavorTheReleaseContractRefusesIsReportedOnSpecFlavor() {
    assertEquals(List.of(Problem.at("spec.flavor", "flavor kvm cannot run on release v0.9.0: release v0.9.0 follows "
            + "the CAPI v1beta1 contract (cluster-api-core 1.10.7); capkit's KVM provider implements only the CAPI "
            + "v1beta2 contract")),
        rules.check("kvm", "v0.9.0", BYOH_ON_V1BETA1));
    List<Problem> nested = rules.check("nested-metal3", "v1.1.0", KVM_ON_V1BETA2);
    assertEquals(1, nested.size());
    assertTrue(nested.get(0).format().startsWith("spec.flavor: flavor nested-metal3 cannot run on release v1.1.0: "
        + "a Nested control plane cannot take Metal3 workers"), nested.get(0).format());
    assertEquals("capkit knows no flavor aws", rules.refusal("aws", "v1.1.0", KVM_ON_V1BETA2).orElseThrow());
  }

  @Test
  void missingProviderComponentsAreReportedOnSpecRelease() {
    assertEquals(List.of(
            Problem.at("spec.release", "release v1.1.0 has no cluster-api-provider-metal3 component, which flavor "
                + "kvm-metal3 needs")),
        rules.check("kvm-metal3", "v1.1.0", KVM_ON_V1BETA2));
    assertEquals(List.of("cluster-api-core", "cluster-api-bootstrap-kubeadm", "cluster-api-control-plane-kubeadm",
        "cluster-api-provider-kvm"), rules.requiredComponents("kvm"));
  }

  @Test
  void aReleaseObjectIsReadByItsComponents() {
    Release r = new Release();
    r.setMetadata(new ObjectMetaBuilder().withName("v0.9.0").build());
    ReleaseSpec spec = new ReleaseSpec();
    List<ReleaseComponent> components = new ArrayList<>();
    BYOH_ON_V1BETA1.forEach((k, v) -> components.add(new ReleaseComponent(k, v)));
    components.add(new ReleaseComponent("cluster-api-core", "1.14.0"));
    spec.setComponents(components);
    spec.setState(ReleaseState.ACTIVE);
    r.setSpec(spec);
    assertEquals("1.10.7", FlavorRules.components(r).get("cluster-api-core"), "the first of a twice-listed component");
    assertEquals(List.of(), rules.check("byoh-metal3", r));
    assertEquals("spec.flavor", rules.check("kvm-metal3", r).get(0).path());
    assertEquals("spec.release", rules.check("kamaji-metal3", r).get(0).path(), "v1beta1 runs Kamaji, the release lacks it");
  }
}
