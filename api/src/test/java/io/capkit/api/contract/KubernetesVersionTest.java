package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Precedence as semver 2.0.0 section 11 defines it. */
class KubernetesVersionTest {

  @Test
  void numericPreReleaseIdentifiersCompareAsNumbers() {
    assertTrue(v("v1.34.0-alpha.10").compareTo(v("v1.34.0-alpha.2")) > 0, "alpha.10 comes after alpha.2");
    assertTrue(v("v1.34.0-rc.9").compareTo(v("v1.34.0-rc.10")) < 0);
  }

  @Test
  void theSemverSpecExampleChainIsInOrder() {
    List<String> chain = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0");
    for (int i = 0; i < chain.size(); i++) {
      for (int j = 0; j < chain.size(); j++) {
        assertEquals(Integer.signum(Integer.compare(i, j)), Integer.signum(v(chain.get(i)).compareTo(v(chain.get(j)))),
            chain.get(i) + " against " + chain.get(j));
      }
    }
  }

  @Test
  void buildMetadataHasNoPrecedenceAndLeadingZerosAreNotSemver() {
    assertEquals(0, v("v1.33.0+build.1").compareTo(v("v1.33.0+build.2")));
    assertFalse(KubernetesVersion.isValid("v1.33.0-alpha.01"));
    assertFalse(KubernetesVersion.isValid("v1.33.0-"));
    assertTrue(KubernetesVersion.isValid("v1.33.0-0.3.7"));
    assertTrue(KubernetesVersion.isValid("v1.33.0-x-y-z.--"));
  }

  private static KubernetesVersion v(String s) {
    return KubernetesVersion.parse(s);
  }
}
