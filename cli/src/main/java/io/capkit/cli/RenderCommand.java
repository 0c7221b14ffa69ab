package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.RenderResult;
import io.capkit.renderer.RenderedFiles;
import io.capkit.renderer.Renderer;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "render", mixinStandardHelpOptions = true,
    description = {"Render the fleet's WorkloadClusters into CAPI and Flux manifests.",
        "Writes atomically: on any problem nothing is written.",
        "Reads two folders, or with --git URL --ref REF the same folders inside a commit (same bytes out)."})
final class RenderCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  FleetInput input;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The output folder (replaced).")
  Path out;

  @Option(names = "--cluster", paramLabel = "NAMESPACE/NAME", description = "Render only this cluster.")
  String cluster;

  @Option(names = "--check", description = "Write nothing; exit 1 when --out differs from a fresh rendering.")
  boolean check;

  @Override
  public Integer call() {
    if (cluster == null && !check) {
      return renderFleet();
    }
    RenderedFiles rendered = input.with(t -> {
      if (cluster != null) {
        RenderResult result = Renderer.standard().render(t.fleet(), t.fleetLabel(), t.releases(), t.releasesLabel())
            .select(cluster);
        return new RenderedFiles(result.clusters().size(), result.files(), result.warnings());
      }
      return Renderer.standard().renderFiles(t.fleet(), t.fleetLabel(), t.releases(), t.releasesLabel());
    });
    printWarnings(rendered.warnings());
    SortedMap<String, byte[]> files = rendered.files();
    OutputFolder folder = new OutputFolder(out);
    if (check) {
      List<Problem> differences = folder.differences(files);
      if (!differences.isEmpty()) {
        throw new InvalidInputException(differences);
      }
      spec.commandLine().getOut().println(out + " is up to date (" + rendered.clusters() + " clusters)");
      return Capkit.OK;
    }
    folder.replace(files);
    spec.commandLine().getOut().println("rendered " + rendered.clusters() + " clusters into " + out);
    return Capkit.OK;
  }

  /**
   * The whole fleet, streamed: input read and checked first, then each cluster rendered on a worker thread and its
   * files written (into the new folder beside the output) as soon as it is encoded; files above the clusters last,
   * then the swap. Nothing of the fleet's output is held in memory; a problem in any cluster leaves the output as it
   * was, as before.
   */
  private int renderFleet() {
    Renderer renderer = Renderer.standard();
    int clusters = input.with(t -> {
      Renderer.Fleet fleet = renderer.read(t.fleet(), t.fleetLabel(), t.releases(), t.releasesLabel());
      try (OutputFolder.Update update = new OutputFolder(out).update()) {
        Renderer.Streamed rendered = renderer.renderEach(fleet, fleet.clusters(),
            (i, c) -> OutputLayout.clusterFiles(c).forEach(update::write));
        printWarnings(rendered.warnings());
        OutputLayout.sharedFiles(fleet).forEach(update::write);
        update.commit();
        return rendered.clusters();
      }
    });
    spec.commandLine().getOut().println("rendered " + clusters + " clusters into " + out);
    return Capkit.OK;
  }

  // One write for all warnings: a large fleet can have thousands.
  private void printWarnings(List<String> list) {
    StringBuilder warnings = new StringBuilder();
    list.forEach(w -> warnings.append("warning: ").append(w).append(System.lineSeparator()));
    spec.commandLine().getErr().print(warnings);
    spec.commandLine().getErr().flush();
  }
}
