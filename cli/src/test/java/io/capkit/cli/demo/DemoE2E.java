package io.capkit.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.CrdSources;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole loop `make demo` runs, end to end on real parts: render, a real kube-apiserver with the real HTTPS
 * webhook registered, and the KVM provider reconciling against libvirt's test:///default.
 */
class DemoE2E {
  private static final Pattern PROVIDER_ID = Pattern.compile("kvm://[^/]+/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @Test
  void rendersAppliesAdmitsAndProvisionsTheExampleFleet() throws Exception {
    StringWriter text = new StringWriter();
    Demo.Report report = new Demo(CrdSources.repoRoot(), new PrintWriter(text)).run();
    String out = text.toString();

    assertTrue(report.clusters() >= 4, out);
    assertTrue(report.objectsApplied() > 40, "objects applied: " + report.objectsApplied());
    assertTrue(report.variablesDefaulted() > 0, "the mutating webhook filled no defaults");
    assertNotNull(report.denial(), "the contract-breaking WorkloadCluster was admitted");
    assertTrue(report.denial().contains("spec.variables.CONTROL_PLANE_MACHINE_COUNT"), report.denial());

    assertTrue(report.allProvisioned(), "not every KVMMachine was provisioned:\n" + out);
    for (Demo.MachineRow m : report.machines()) {
      assertTrue(PROVIDER_ID.matcher(m.providerID()).matches(), m.name() + ": providerID " + m.providerID());
      assertTrue(m.conditions().contains("Ready"), m.name() + ": " + m.conditions());
    }
    // test:///default starts with one domain of its own, named "test".
    assertEquals(report.machines().size(), report.domains().stream().filter(d -> !d.equals("test")).count(),
        "one libvirt domain per KVMMachine: " + report.domains());
    assertTrue(out.contains("OK: " + report.clusters() + " clusters rendered"), out);
  }
}
