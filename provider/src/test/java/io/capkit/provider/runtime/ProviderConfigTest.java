package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.capkit.api.InvalidInputException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProviderConfigTest {
  @Test
  void flagsBecomeTypedSettings() {
    ProviderConfig c = ProviderConfig.fromArgs(List.of("--libvirt-uri", "qemu+ssh://kvm-1/system", "--http-port",
        "9443", "--namespace", "b", "--namespace", "a", "--leader-elect"));
    assertEquals("qemu+ssh://kvm-1/system", c.libvirtUri());
    assertEquals(9443, c.httpPort());
    assertEquals(Set.of("a", "b"), c.namespaces());
    assertEquals(true, c.leaderElection());
    assertEquals("test:///default", ProviderConfig.fromArgs(List.of()).libvirtUri());
  }

  @Test
  void badFlagsAreAllReported() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> ProviderConfig.fromArgs(
        List.of("--http-port", "x", "--bogus", "1", "--libvirt-uri", "nope")));
    assertEquals("""
        --bogus: is not a provider flag
        --http-port: "x" is not a number from 0 to 65535
        --libvirt-uri: "nope" is not a libvirt URI (e.g. qemu:///system)""", e.getMessage());
  }
}
