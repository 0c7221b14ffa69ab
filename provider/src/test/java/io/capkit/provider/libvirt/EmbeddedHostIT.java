package io.capkit.provider.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.contract.Contract;
import io.capkit.provider.runtime.ProviderConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded default host through the real bindings: what rendered kvm templates name is there. */
class EmbeddedHostIT {
  @Test
  void hasThePoolNetworkAndBaseImageOfTheDefaults() {
    String image = (String) Contract.standard().variable("KVM_BASE_IMAGE").orElseThrow().defaultValue();
    try (LibvirtBackend host = LibvirtConnections.jna().get("test:///default")) {
      assertEquals(EmbeddedHost.URI, host.uri(), "messages name the URI users wrote");
      assertEquals(List.of(image), host.listVolumes(ProviderConfig.DEFAULT_POOL));
      assertTrue(host.findVolume(ProviderConfig.DEFAULT_POOL, image).orElseThrow().capacityBytes() > 0);
      assertEquals(List.of(), host.listDomains(), "unlike the driver's own default node, no stray domain");
    }
  }

  @Test
  void eachConnectionStartsFresh() {
    try (LibvirtBackend a = EmbeddedHost.open(); LibvirtBackend b = EmbeddedHost.open()) {
      a.createVolume(ProviderConfig.DEFAULT_POOL, VolumeSpec.empty("only-in-a.qcow2", 1L << 20, "qcow2"));
      assertTrue(a.findVolume(ProviderConfig.DEFAULT_POOL, "only-in-a.qcow2").isPresent());
      assertTrue(b.findVolume(ProviderConfig.DEFAULT_POOL, "only-in-a.qcow2").isEmpty());
    }
  }
}
