package io.capkit.demo;

import io.capkit.testsupport.CrdSources;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code make demo}: the whole loop on the embedded defaults with the real CAPI managers. */
@Command(name = "capkit-demo", mixinStandardHelpOptions = true,
    description = "Render a fleet, apply it to an embedded kube-apiserver through capkit's admission webhook, and let "
        + "the real Cluster API managers and capkit's KVM provider (libvirt test:///default) bring the clusters up.")
public final class DemoMain implements Callable<Integer> {
  @Option(names = "--clusters", paramLabel = "N",
      description = "Render N generated kvm clusters (1 control-plane machine, 2 workers each) instead of the example "
          + "fleet, to see the loop at scale.")
  int clusters;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "360",
      description = "How long to wait for the Machines (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--real-boot", description = "Last, boot one real VM on this machine's libvirtd + QEMU and print "
      + "the guest's report (also CAPKIT_DEMO_REAL_BOOT=1; needs root, hack/ensure-libvirtd.sh and "
      + "hack/ensure-base-image.sh, which make runs).")
  boolean realBoot = "1".equals(System.getenv("CAPKIT_DEMO_REAL_BOOT"));

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    CommandLine cl = new CommandLine(new DemoMain());
    cl.setOut(out);
    System.exit(cl.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (clusters < 0 || clusters > 200) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--clusters must be between 0 and 200");
    }
    Demo.Report report = new Demo(CrdSources.repoRoot(), spec.commandLine().getOut(),
        new Demo.Options(clusters, Duration.ofSeconds(timeoutSeconds))).run();
    boolean ok = report.complete() && report.denial() != null;
    if (realBoot) {
      ok &= new RealBootDemo(CrdSources.repoRoot(), spec.commandLine().getOut()).run().leftovers().isEmpty();
    }
    return ok ? 0 : 1;
  }
}
