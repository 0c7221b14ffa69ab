package io.capkit.api.flavor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompatibilityMatrixTest {
  private final CompatibilityMatrix matrix = CompatibilityMatrix.standard();

  @Test
  void capiCoreVersionDecidesTheContract() {
    assertEquals(Optional.of("v1beta1"), matrix.contractFor("1.10.7"));
    assertEquals(Optional.of("v1beta1"), matrix.contractFor("1.0.0"));
    assertEquals(Optional.of("v1beta2"), matrix.contractFor("1.11.0"));
    assertEquals(Optional.of("v1beta2"), matrix.contractFor("v1.14.0"));
    assertEquals(Optional.empty(), matrix.contractFor("0.4.8"));
  }

  @Test
  void byohFollowsOnlyV1beta1AndKvmOnlyV1beta2() {
    CompatibilityMatrix.Verdict byoh = matrix.verdict("byoh-metal3", "v1beta1");
    assertTrue(byoh.supported());
    assertEquals("infrastructure.cluster.x-k8s.io/v1beta1", byoh.apiVersion("byoh", "infrastructure"));
    assertEquals("cluster.x-k8s.io/v1beta1", byoh.apiVersion("cluster-api", "cluster"));
    assertEquals(List.of("cluster-api-core", "cluster-api-bootstrap-kubeadm", "cluster-api-control-plane-kubeadm",
        "cluster-api-provider-byoh", "cluster-api-provider-metal3"), byoh.components());
    CompatibilityMatrix.Verdict refused = matrix.verdict("byoh-metal3", "v1beta2");
    assertFalse(refused.supported());
    assertTrue(refused.reason().startsWith("BYOH (v0.5.0"), refused.reason());
    assertFalse(matrix.verdict("kvm-metal3", "v1beta1").supported());
    assertEquals("controlplane.cluster.x-k8s.io/v1alpha2",
        matrix.verdict("kamaji-metal3", "v1beta2").apiVersion("kamaji", "controlPlane"));
  }

  @Test
  void refusedFlavorsAreRefusedUnderEveryContract() {
    for (String contract : matrix.contracts()) {
      assertTrue(matrix.verdict("nested-metal3", contract).reason().contains("no cluster-info ConfigMap"));
      assertTrue(matrix.verdict("nested-metal3", contract).reason().contains("no scheduler"));
      assertTrue(matrix.verdict("vcluster-metal3", contract).reason().contains("private-nodes"));
    }
  }

  @Test
  void everyFlavorRunsOnAtLeastOneContractUnlessRefused() {
    for (CompatibilityMatrix.FlavorEntry f : matrix.flavors()) {
      boolean any = matrix.contracts().stream().anyMatch(c -> matrix.verdict(f.name(), c).supported());
      assertEquals(f.refused() == null, any, f.name());
    }
    assertEquals(matrix.flavors().size() * matrix.contracts().size(), matrix.verdicts().size());
  }

  @Test
  void aProviderWithoutTheContractIsRefusedWithAGeneratedReasonWhenItGivesNone() {
    CompatibilityMatrix m = CompatibilityMatrix.parse("m.yaml", """
        contracts: [{name: v1beta2, capiFrom: 1.11.0}]
        providers:
        - {name: p, components: [c], apiVersions: {v1beta1: {infrastructure: x/v1}}}
        flavors:
        - {name: f, controlPlane: cp, workers: w, providers: [p], source: test}
        """);
    assertEquals("provider p does not follow the v1beta2 contract", m.verdict("f", "v1beta2").reason());
  }
}
