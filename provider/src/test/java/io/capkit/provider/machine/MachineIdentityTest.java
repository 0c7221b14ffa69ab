package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class MachineIdentityTest {

  @Test
  void uuidIsVersion5OfNamespaceAndNameAndMatchesPythonUuid5() {
    // Expected values computed independently with Python: uuid.uuid5(uuid.uuid5(NAMESPACE_DNS, "capkit.io"), ...).
    assertEquals(UUID.fromString("4735b570-0f11-5518-a8b9-504d83268240"), MachineIdentity.NAMESPACE);
    MachineIdentity id = MachineIdentity.of("default", "worker-1");
    assertEquals(UUID.fromString("787c3e19-0de5-57ae-8c38-78a044645194"), id.uuid());
    assertEquals(5, id.uuid().version());
    assertEquals(2, id.uuid().variant());
  }

  @Test
  void namesAreStableAndDoNotCollideAcrossNamespaces() {
    MachineIdentity a = MachineIdentity.of("a-b", "c");
    MachineIdentity b = MachineIdentity.of("a", "b-c");
    assertEquals(a, MachineIdentity.of("a-b", "c"));
    assertNotEquals(a.domainName(), b.domainName());
    assertNotEquals(a.uuid(), b.uuid());
    assertEquals("a-b.c", a.domainName());
    assertEquals("a-b.c-root.qcow2", a.volumeName(VolumeRole.ROOT));
    assertEquals("a-b.c-seed.iso", a.volumeName(VolumeRole.SEED));
    assertEquals(6, a.allVolumeNames().size());
    assertEquals("a-b.c-console.log", a.volumeName(VolumeRole.CONSOLE));
  }

  @Test
  void macAddressIsLocallyAdministeredAndFollowsTheUuid() {
    MachineIdentity a = MachineIdentity.of("ns", "m");
    assertEquals(a.macAddress(), MachineIdentity.of("ns", "m").macAddress());
    assertNotEquals(a.macAddress(), MachineIdentity.of("ns", "n").macAddress());
    String low = a.uuid().toString().replace("-", "");
    assertEquals("52:54:00:" + low.substring(26, 28) + ":" + low.substring(28, 30) + ":" + low.substring(30, 32),
        a.macAddress());
  }

  @Test
  void providerIdCarriesHostAndUuidAndParsesBack() {
    MachineIdentity id = MachineIdentity.of("ns", "m");
    assertEquals("kvm://host-a/" + id.uuid(), id.providerId("host-a"));
    assertEquals("host-a/" + id.uuid(), id.instanceId("host-a"));
    assertEquals("host-a", MachineIdentity.hostOf(id.providerId("host-a")));
    assertNull(MachineIdentity.hostOf("aws:///us-east-1/i-123"));
    assertNull(MachineIdentity.hostOf(null));
  }
}
