package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The provider's flags read without picocli give what picocli gives; everything else is left to picocli. */
class ProviderRunCommandTest {
  private static ProviderRunCommand parsed(String... args) {
    ProviderRunCommand command = new ProviderRunCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void withoutPicocliReadsTheFlagsPicocliWouldAndLeavesTheRestToIt() {
    List<String[]> plain = List.of(new String[] {},
        new String[] {"--libvirt-uri", "qemu+ssh://kvm-1/system", "--http-port=9443", "--namespace", "b",
            "--namespace", "a", "--leader-elect", "--storage-pool", "vms"},
        // The bench's and the Deployment's flags.
        new String[] {"--libvirt-uri", "test:///default", "--bind-address", "127.0.0.1", "--http-port", "40123",
            "--namespace", "bench", "--reconcile-threads", "8", "--test-driver-dir", "/tmp/x y"},
        new String[] {"--leader-elect", "--lease-namespace=capk-system", "--libvirt-uri=qemu:///system",
            "--storage-pool=default", "--network=default", "--http-port=8080", "--reconcile-threads=8",
            "--provider-namespace=infra"},
        new String[] {"--http-port", "0", "--reconcile-threads", "0", "--libvirt-uri", "nope"});
    for (String[] args : plain) {
      ProviderRunCommand quick = ProviderRunCommand.withoutPicocli(args);
      ProviderRunCommand parsed = parsed(args);
      String what = String.join(" ", args);
      assertNotNull(quick, what);
      assertEquals(parsed.libvirtUri, quick.libvirtUri, what);
      assertEquals(parsed.storagePool, quick.storagePool, what);
      assertEquals(parsed.network, quick.network, what);
      assertEquals(parsed.bindAddress, quick.bindAddress, what);
      assertEquals(parsed.httpPort, quick.httpPort, what);
      assertEquals(parsed.namespaces, quick.namespaces, what);
      assertEquals(parsed.leaderElect, quick.leaderElect, what);
      assertEquals(parsed.leaseNamespace, quick.leaseNamespace, what);
      assertEquals(parsed.reconcileThreads, quick.reconcileThreads, what);
      assertEquals(parsed.testDriverDir, quick.testDriverDir, what);
      assertEquals(parsed.providerNamespace, quick.providerNamespace, what);
    }
    assertEquals(parsed().config(), ProviderRunCommand.withoutPicocli().config(), "the same defaults");
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"--version"},
        new String[] {"-V"}, new String[] {"--http-port"}, new String[] {"--http-port", "x"},
        new String[] {"--http-port", "-1"}, new String[] {"--http-port", "+80"}, new String[] {"--http-port", "0x50"},
        new String[] {"--http-port", "99999999999"}, new String[] {"--http-port", "1", "--http-port", "2"},
        new String[] {"--leader-elect", "--leader-elect"}, new String[] {"--leader-elect=true"},
        new String[] {"--namespace="}, new String[] {"--namespace", "--leader-elect"},
        new String[] {"@args"}, new String[] {"--namespace", "@a"}, new String[] {"extra"}, new String[] {"--"},
        new String[] {"--Libvirt-uri", "x"}, new String[] {"--unknown", "x"},
        new String[] {"--test-driver-dir", "a\0b"})) {
      assertNull(ProviderRunCommand.withoutPicocli(args), String.join(" ", args));
    }
    // An option added later goes to picocli until it is handled here.
    List<String> names = new CommandLine(new ProviderRunCommand()).getCommandSpec().options().stream()
        .flatMap(o -> Stream.of(o.names())).sorted().toList();
    List<String> expected = new ArrayList<>(ProviderRunCommand.QUICK_OPTIONS);
    expected.addAll(List.of("--leader-elect", "--help", "--version", "-h", "-V"));
    assertEquals(expected.stream().sorted().toList(), names);
  }

  @Test
  void invalidValuesWithoutPicocliExitOneWithTheFlagsProblems() {
    StringWriter err = new StringWriter();
    assertEquals(1, ProviderMain.withoutPicocli(new PrintWriter(err), "--http-port", "70000", "--libvirt-uri",
        "nope"));
    assertEquals("""
        --http-port: 70000 is not a number from 0 to 65535
        --libvirt-uri: "nope" is not a libvirt URI (e.g. qemu:///system)
        """, err.toString().replace(System.lineSeparator(), "\n"));
    StringWriter picocli = new StringWriter();
    assertEquals(1, ProviderMain.commandLine().setErr(new PrintWriter(picocli)).execute("--http-port", "70000",
        "--libvirt-uri", "nope"));
    assertEquals(picocli.toString(), err.toString(), "the same as through picocli");
    assertNull(ProviderMain.withoutPicocli(new PrintWriter(err), "--help"));
  }
}
