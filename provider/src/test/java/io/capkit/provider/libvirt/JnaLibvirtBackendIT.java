package io.capkit.provider.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real bindings against the libvirt test driver. */
class JnaLibvirtBackendIT {

  private static final String DOMAIN = """
      <domain type='kvm'>
        <name>it.vm</name>
        <uuid>%s</uuid>
        <memory unit='MiB'>512</memory>
        <vcpu>1</vcpu>
        <os><type arch='x86_64'>hvm</type></os>
        <devices>
          <disk type='volume' device='disk'><source pool='default' volume='it-root.qcow2'/><target dev='vda' bus='virtio'/></disk>
          <interface type='network'><source network='default'/></interface>
        </devices>
      </domain>
      """;

  @Test
  void volumesAndDomainLifecycleThroughTheBindings(@TempDir Path dir) {
    try (JnaLibvirtBackend lv = JnaLibvirtBackend.open(TestDriver.uri(dir))) {
      assertTrue(lv.alive());
      // The test driver offers no QEMU: domains are described as for TCG, and its dir pool has a directory.
      GuestPlatform platform = lv.capabilities().platform();
      assertEquals(GuestPlatform.Accelerator.TCG, platform.accelerator());
      assertTrue(platform.reason().startsWith("no QEMU on this host"), platform.reason());
      assertEquals(java.util.Optional.of("/var/lib/libvirt/images"), lv.poolDirectory("default"));
      VolumeInfo base = lv.findVolume("default", TestDriver.BASE_IMAGE).orElseThrow();
      assertEquals(TestDriver.BASE_BYTES, base.capacityBytes());
      VolumeInfo root = lv.createVolume("default",
          new VolumeSpec("it-root.qcow2", 20L << 30, "qcow2", base.path(), "qcow2"));
      assertEquals(20L << 30, root.capacityBytes());
      assertEquals(List.of("base.qcow2", "it-root.qcow2"), lv.listVolumes("default"));
      LibvirtCallException exists = assertThrows(LibvirtCallException.class,
          () -> lv.createVolume("default", VolumeSpec.empty("it-root.qcow2", 1024, "raw")));
      assertEquals(LibvirtCallException.Kind.ALREADY_EXISTS, exists.kind());
      // The kind is derived by looking; the code stays what libvirt said (the test driver says OPERATION_FAILED).
      assertEquals("VIR_ERR_OPERATION_FAILED", exists.code());
      // The test driver has no upload stream: upload is reported as not done, not as an error.
      assertFalse(lv.uploadVolume("default", "it-root.qcow2", new byte[] {1, 2, 3}));

      UUID uuid = UUID.fromString("5e7a8a3c-1111-5222-8333-444455556666");
      DomainSummary d = lv.defineDomain(DOMAIN.formatted(uuid));
      assertEquals(new DomainSummary("it.vm", uuid, false), d);
      assertEquals(d, lv.findDomainByName("it.vm").orElseThrow());
      lv.startDomain(uuid);
      assertTrue(lv.findDomain(uuid).orElseThrow().active());
      List<InterfaceAddress> addrs = lv.interfaceAddresses(uuid);
      assertFalse(addrs.isEmpty());
      assertTrue(addrs.get(0).address().startsWith("192.168.122."), addrs.toString());
      assertTrue(lv.domainXml(uuid).contains("it-root.qcow2"));
      lv.destroyDomain(uuid);
      lv.undefineDomain(uuid);
      assertTrue(lv.findDomain(uuid).isEmpty());
      assertTrue(lv.deleteVolume("default", "it-root.qcow2"));
      assertFalse(lv.deleteVolume("default", "it-root.qcow2"));
      LibvirtCallException gone = assertThrows(LibvirtCallException.class, () -> lv.startDomain(uuid));
      assertEquals(LibvirtCallException.Kind.NOT_FOUND, gone.kind());
      assertEquals("VIR_ERR_NO_DOMAIN", gone.code());
    }
  }

  @Test
  void invalidXmlAndMissingPoolAreTypedErrors(@TempDir Path dir) {
    try (JnaLibvirtBackend lv = JnaLibvirtBackend.open(TestDriver.uri(dir))) {
      LibvirtCallException xml = assertThrows(LibvirtCallException.class, () -> lv.defineDomain("<domain>"));
      assertEquals(LibvirtCallException.Kind.INVALID, xml.kind());
      assertEquals("domainDefineXML", xml.operation());
      LibvirtCallException pool = assertThrows(LibvirtCallException.class, () -> lv.listVolumes("nope"));
      assertEquals(LibvirtCallException.Kind.NOT_FOUND, pool.kind());
      assertEquals("VIR_ERR_NO_STORAGE_POOL", pool.code());
    }
  }

  @Test
  void unreachableHostIsTypedAndNamesOnlyTheUri() {
    LibvirtCallException e = assertThrows(LibvirtCallException.class,
        () -> JnaLibvirtBackend.open("qemu+tcp://127.0.0.1:1/system"));
    assertEquals(LibvirtCallException.Kind.UNREACHABLE, e.kind());
    assertTrue(e.getMessage().startsWith("connect qemu+tcp://127.0.0.1:1/system: VIR_ERR_"), e.getMessage());
  }
}
