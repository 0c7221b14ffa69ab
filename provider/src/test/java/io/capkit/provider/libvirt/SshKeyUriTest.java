package io.capkit.provider.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KvmHostRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SshKeyUriTest {
  private static final Path KEY = Path.of("/tmp/capkit-ssh-keys-1/kvm-1.key");

  @Test
  void addsKeyfileAndNoTtyToEachSshTransport() {
    assertEquals("qemu+ssh://root@kvm-1.example.org/system?keyfile=/tmp/capkit-ssh-keys-1/kvm-1.key&no_tty=1",
        SshKeyUri.compose("qemu+ssh://root@kvm-1.example.org/system", KEY));
    assertEquals("qemu+libssh://kvm-1/system?keyfile=/tmp/capkit-ssh-keys-1/kvm-1.key&no_tty=1",
        SshKeyUri.compose("qemu+libssh://kvm-1/system", KEY));
    assertEquals("qemu+libssh2://10.0.0.1/session?keyfile=/tmp/capkit-ssh-keys-1/kvm-1.key&no_tty=1",
        SshKeyUri.compose("qemu+libssh2://10.0.0.1/session", KEY));
  }

  @Test
  void neverTurnsOffHostKeyVerification() {
    String uri = SshKeyUri.compose("qemu+ssh://kvm-1/system", KEY);
    assertFalse(uri.contains("no_verify"), uri);
    assertFalse(uri.contains("known_hosts"), uri);
  }

  @Test
  void percentEncodesEveryCharacterThatCouldEndOrAddAParameter() {
    String uri = SshKeyUri.compose("qemu+ssh://kvm-1/system", Path.of("/tmp/a b&command=/bin/sh;x=1#f%?é/k.key"));
    assertEquals("qemu+ssh://kvm-1/system?keyfile=/tmp/a%20b%26command%3D/bin/sh%3Bx%3D1%23f%25%3F%C3%A9/k.key"
        + "&no_tty=1", uri);
    // Exactly the two parameters the provider composes.
    String query = uri.substring(uri.indexOf('?') + 1);
    assertEquals(2, query.split("&").length, query);
    assertEquals(1, uri.chars().filter(c -> c == '?').count());
  }

  @Test
  void refusesAUriThatAlreadyHasParametersOrAFragment() {
    for (String bad : new String[] {"qemu+ssh://kvm-1/system?no_verify=1", "qemu+ssh://kvm-1/system?",
        "qemu+ssh://kvm-1/system#x", "qemu+ssh://kvm-1/system?keyfile=/root/.ssh/id_rsa"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SshKeyUri.compose(bad, KEY),
          bad);
      assertTrue(e.getMessage().contains("only the provider adds them"), e.getMessage());
    }
  }

  @Test
  void refusesOtherTransportsAndRelativePaths() {
    assertThrows(IllegalArgumentException.class, () -> SshKeyUri.compose("qemu+tls://kvm-1/system", KEY));
    assertThrows(IllegalArgumentException.class, () -> SshKeyUri.compose("qemu:///system", KEY));
    assertThrows(IllegalArgumentException.class, () -> SshKeyUri.compose("test:///default", KEY));
    assertThrows(IllegalArgumentException.class, () -> SshKeyUri.compose("qemu+ssh://kvm-1/system",
        Path.of("k.key")));
    assertThrows(IllegalArgumentException.class, () -> SshKeyUri.compose("not a uri", KEY));
  }

  @Test
  void sshSchemesAreTheOnesTheKvmHostRulesTieTheKeyTo() {
    assertTrue(SshKeyUri.isSsh("qemu+ssh://h/system"));
    assertTrue(SshKeyUri.isSsh("QEMU+LIBSSH2://h/system"));
    assertFalse(SshKeyUri.isSsh("qemu+tls://h/system"));
    assertFalse(SshKeyUri.isSsh(null));
    // The admins still cannot write the parameter themselves.
    assertFalse(KvmHostRules.checkLibvirtUri("qemu+ssh://h/system?keyfile=/x&no_tty=1", "spec.uri").isEmpty());
  }

  @Test
  void logsAndErrorsNameTheAdminUriWithoutTheAddedParameters() {
    assertEquals("qemu+ssh://kvm-1/system", SshKeyUri.adminPart(SshKeyUri.compose("qemu+ssh://kvm-1/system", KEY)));
    assertEquals("test:///default", SshKeyUri.adminPart("test:///default"));
  }
}
