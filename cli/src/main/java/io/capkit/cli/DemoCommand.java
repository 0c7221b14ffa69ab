package io.capkit.cli;

import io.capkit.cli.demo.Demo;
import io.capkit.cli.demo.RealBootDemo;
import io.capkit.testsupport.CrdSources;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", description = "Render the example fleet, apply it to an embedded API server through the "
    + "admission webhook, and reconcile it with the KVM provider against libvirt's test:///default.")
final class DemoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--real-boot", description = "Last, boot one real VM on this machine's libvirtd + QEMU and print "
      + "the guest's report (also CAPKIT_DEMO_REAL_BOOT=1; needs root, hack/ensure-libvirtd.sh, hack/ensure-base-image.sh).")
  boolean realBoot = "1".equals(System.getenv("CAPKIT_DEMO_REAL_BOOT"));

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Demo.Report report = new Demo(CrdSources.repoRoot(), out).run();
    boolean ok = report.allProvisioned() && report.denial() != null;
    if (realBoot) {
      ok &= new RealBootDemo(CrdSources.repoRoot(), out).run().leftovers().isEmpty();
    }
    return ok ? Capkit.OK : Capkit.INVALID_INPUT;
  }
}
