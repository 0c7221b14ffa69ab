package io.capkit.cli;

import io.capkit.cli.demo.Demo;
import io.capkit.testsupport.CrdSources;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", description = "Render the example fleet, apply it to an embedded API server through the "
    + "admission webhook, and reconcile it with the KVM provider against libvirt's test:///default.")
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Demo.Report report = new Demo(CrdSources.repoRoot(), out).run();
    return report.allProvisioned() && report.denial() != null ? Capkit.OK : Capkit.INVALID_INPUT;
  }
}
