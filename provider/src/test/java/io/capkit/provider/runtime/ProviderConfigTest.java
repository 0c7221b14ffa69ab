package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProviderConfigTest {
  private static ProviderConfig parse(String... args) {
    ProviderRunCommand command = new ProviderRunCommand();
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  @Test
  void flagsBecomeTypedSettings() {
    ProviderConfig c = parse("--libvirt-uri", "qemu+ssh://kvm-1/system", "--http-port=9443", "--namespace", "b",
        "--namespace", "a", "--leader-elect", "--storage-pool", "vms");
    assertEquals("qemu+ssh://kvm-1/system", c.libvirtUri());
    assertEquals(9443, c.httpPort());
    assertEquals(Set.of("a", "b"), c.namespaces());
    assertEquals(true, c.leaderElection());
    assertEquals("vms", c.storagePool());
  }

  @Test
  void noFlagsMeanTheEmbeddedDefaultHost() {
    assertEquals(ProviderConfig.defaults(), parse());
    assertEquals("test:///default", parse().libvirtUri());
  }

  @Test
  void providerNamespaceIsWhereSshKeySecretsAreRead() {
    // POD_NAMESPACE is not set where the tests run: the default is the namespace provider/config installs into.
    assertEquals(System.getenv("POD_NAMESPACE") == null ? "capk-system" : System.getenv("POD_NAMESPACE"),
        parse().providerNamespace());
    assertEquals("infra-kvm", parse("--provider-namespace", "infra-kvm").providerNamespace());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> parse("--provider-namespace", "Not/A-Namespace"));
    assertTrue(e.getMessage().startsWith("--provider-namespace: "), e.getMessage());
  }

  @Test
  void badValuesAreAllReportedWithTheirFlags() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse("--http-port", "-1",
        "--reconcile-threads", "0", "--libvirt-uri", "nope"));
    assertEquals("""
        --http-port: -1 is not a number from 0 to 65535
        --libvirt-uri: "nope" is not a libvirt URI (e.g. qemu:///system)
        --reconcile-threads: 0 is not a number from 1 to 1000""", e.getMessage());
  }

  @Test
  void containerEntryPointPrintsHelpAndExitsZero() {
    StringWriter out = new StringWriter();
    CommandLine cl = ProviderMain.commandLine();
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("--help"));
    assertTrue(out.toString().startsWith("Usage: capkit-kvm-provider "), out.toString());
    assertTrue(out.toString().contains("--reconcile-threads"), out.toString());
    assertEquals(2, ProviderMain.commandLine().setErr(new PrintWriter(new StringWriter())).execute("--http-port", "x"));
  }
}
