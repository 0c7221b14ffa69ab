package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterDnsTest {
  @Test
  void theTenthAddressOfTheServiceRangeAsKubeadmPicksIt() {
    assertEquals("10.96.0.10", ClusterDns.address("10.96.0.0/12"));
    assertEquals("172.31.0.10", ClusterDns.address("172.31.0.0/16"));
    assertEquals("10.128.0.10", ClusterDns.address("10.128.0.0/12"));
    assertEquals("fd00:10:96::a", ClusterDns.address("fd00:10:96::/112"));
    assertEquals("::a", ClusterDns.address("::/64"));
    assertEquals("fd00:0:1:2:3:4:5:a", ClusterDns.address("fd00:0:1:2:3:4:5:0/112"));
    assertThrows(IllegalArgumentException.class, () -> ClusterDns.address("10.0.0.0/29"));
  }

  @Test
  void ipv4AddressesRangesAndListsAreParsedStrictly() {
    assertEquals("192.168.0.1", Ipv4Address.parse("192.168.0.1").toString());
    for (String bad : List.of("192.168.0", "192.168.0.256", "01.2.3.4", "a.b.c.d", "1.2.3.4.5", "")) {
      assertTrue(!Ipv4Address.isValid(bad), bad);
    }
    assertEquals(2, Ipv4Address.parseRange("10.0.0.9-10.0.0.10").size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ipv4Address.parseRange("10.0.0.10-10.0.0.9"));
    assertEquals("10.0.0.10-10.0.0.9 ends before it starts", e.getMessage());
    assertEquals(2, Ipv4Address.parseList("1.1.1.1, 9.9.9.9").size());
    assertTrue(Ipv4Address.parse("10.1.0.1").sameNetwork(Ipv4Address.parse("10.1.0.200"), 24));
    assertTrue(!Ipv4Address.parse("10.1.0.1").sameNetwork(Ipv4Address.parse("10.1.1.1"), 24));
  }
}
