package io.capkit.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.CrdSources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole loop `make demo` runs, on real parts: render the example fleet, a real kube-apiserver with capkit's HTTPS
 * webhook and the real CAPI managers, the KVM provider on libvirt's test:///default, stand-in workload API servers.
 * The report is read back from the API server and libvirt, not from the printed text.
 */
class DemoE2E {
  private static final Pattern PROVIDER_ID =
      Pattern.compile("kvm://[^/]+/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @Test
  void theRealCapiControllersBringTheExampleFleetsKvmClustersUp() throws Exception {
    StringWriter text = new StringWriter();
    Demo.Report report = new Demo(CrdSources.repoRoot(), new PrintWriter(text),
        new Demo.Options(0, Duration.ofMinutes(8))).run();
    String out = text.toString();

    assertTrue(report.clusters() >= 4, out);
    assertTrue(report.objectsApplied() > 40, "objects applied: " + report.objectsApplied());
    assertTrue(report.variablesDefaulted() > 0, "the mutating webhook filled no defaults");
    assertNotNull(report.denial(), "the contract-breaking WorkloadCluster was admitted");
    assertTrue(report.denial().contains("spec.variables.CONTROL_PLANE_MACHINE_COUNT"), report.denial());

    assertTrue(report.complete(), "not every kvm cluster came up:\n" + out);
    assertTrue(report.expectedWorkers() > 0, out);
    assertEquals(report.expectedWorkers(), report.workers().stream().filter(m -> "Running".equals(m.phase())).count(),
        out);
    for (MachineTimeline.Row m : report.machines()) {
      if (m.provisioned() != null) {
        assertTrue(PROVIDER_ID.matcher(m.providerID()).matches(), m.name() + ": providerID " + m.providerID());
      }
    }
    long provisioned = report.machines().stream().filter(m -> m.provisioned() != null).count();
    // test:///default starts with one domain of its own, named "test"; every provisioned Machine has one.
    assertTrue(report.domains().stream().filter(d -> !d.equals("test")).count() >= provisioned,
        "one libvirt domain per provisioned Machine: " + report.domains());
    assertEquals("v1.14.2", report.capiVersion());
  }
}
