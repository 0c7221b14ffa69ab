package io.capkit.cli;

import io.capkit.renderer.Explanation;
import io.capkit.renderer.Renderer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Show each setting of a cluster, its value and the layer it comes from.")
final class ExplainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAMESPACE/NAME", description = "The cluster.")
  String cluster;

  @Mixin
  FleetInput input;

  @Override
  public Integer call() {
    if (!cluster.matches("[^/]+/[^/]+")) {
      throw UsageError.of(spec,
          "expected NAMESPACE/NAME, got " + cluster);
    }
    Explanation e = input.with(t -> Renderer.standard().explain(t.fleet(), t.fleetLabel(), t.releases(),
        t.releasesLabel(), cluster));
    spec.commandLine().getOut().print(e.table());
    return Capkit.OK;
  }
}
