package io.capkit.cli;

import io.capkit.api.source.DirectoryTree;
import io.capkit.renderer.Explanation;
import io.capkit.renderer.Renderer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Show each setting of a cluster, its value and the layer it comes from.")
final class ExplainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAMESPACE/NAME", description = "The cluster.")
  String cluster;

  @Option(names = "--fleet", required = true, paramLabel = "DIR", description = "The fleet repository folder.")
  Path fleet;

  @Option(names = "--releases", required = true, paramLabel = "DIR", description = "The releases folder.")
  Path releases;

  @Override
  public Integer call() {
    if (!cluster.matches("[^/]+/[^/]+")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "expected NAMESPACE/NAME, got " + cluster);
    }
    Explanation e = Renderer.standard().explain(DirectoryTree.open(fleet), fleet.toString(),
        DirectoryTree.open(releases), releases.toString(), cluster);
    spec.commandLine().getOut().print(e.table());
    return Capkit.OK;
  }
}
