package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HostLabelsTest {
  @Test
  void parsesSortedPairs() {
    assertEquals(Map.of("pool", "edge", "example.com/rack", "r1"), HostLabels.parse("pool=edge, example.com/rack=r1"));
    assertEquals("{example.com/rack=r1, pool=edge}", HostLabels.parse("pool=edge,example.com/rack=r1").toString());
    assertEquals(Map.of(), HostLabels.parse(""));
  }

  @Test
  void refusesMalformedLabels() {
    assertEquals("\"rack\" is not key=value (labels are written k1=v1,k2=v2)",
        assertThrows(IllegalArgumentException.class, () -> HostLabels.parse("pool=a,rack")).getMessage());
    assertEquals("label key \"pool\" is given twice",
        assertThrows(IllegalArgumentException.class, () -> HostLabels.parse("pool=a,pool=b")).getMessage());
    assertEquals("label value \"-x\" must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter "
        + "or digit", assertThrows(IllegalArgumentException.class, () -> HostLabels.parse("pool=-x")).getMessage());
  }

  @Test
  void theContractReportsItOnTheVariable() {
    assertEquals("METAL3_HOST_SELECTOR: \"rack\" is not key=value (labels are written k1=v1,k2=v2)",
        Contract.standard().validate(Map.of("METAL3_HOST_SELECTOR", "rack")).get(0).format());
  }
}
