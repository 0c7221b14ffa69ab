package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.renderer.Background;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.Renderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
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

  @Option(names = "--full", description = {"Render every cluster, ignoring the record of the last render.",
      "Without it, an output holding a record (" + RenderRecord.FILE + ") is brought up to date by rendering only the"
          + " clusters whose inputs changed (decided from content digests), with the same bytes as a full render."})
  boolean full;

  @Override
  public Integer call() {
    // The whole fleet from two folders into an output: incremental when the output's record allows it.
    boolean recorded = cluster == null && !check && !input.source.given() && input.fleet != null
        && input.releases != null;
    if (recorded && !full) {
      IncrementalRender.Result result = incrementally();
      if (result != null) {
        printWarnings(result.warnings());
        spec.commandLine().getOut().println(message(out, result));
        return Capkit.OK;
      }
    }
    // Building the renderer (contract schema, flavors) needs nothing of the fleet: it runs while the trees are listed
    // and read.
    Background<Renderer> building = Background.start("capkit-renderer", Renderer::standard);
    return input.with(t -> {
      if (recorded) {
        // Streamed as renderFleet, with the record of this render written into the new folder before the swap; the
        // build's identity (a digest of the jar) is only needed for the record.
        Background<String> build = Background.start("capkit-build-identity", BuildIdentity::current);
        int clusters = RecordedRender.full(building::get, t.fleet(), t.fleetLabel(), t.releases(), t.releasesLabel(),
            build::get, new OutputFolder(out), this::printWarnings);
        spec.commandLine().getOut().println("rendered " + clusters + " clusters into " + out);
        return Capkit.OK;
      }
      Renderer.Fleet fleet = Renderer.readFleet(t.fleet(), t.fleetLabel(), t.releases(), t.releasesLabel());
      Renderer renderer = building.get();
      if (cluster != null) {
        return renderOne(renderer, fleet);
      }
      return check ? checkFleet(renderer, fleet) : renderFleet(renderer, fleet);
    });
  }

  /**
   * The whole fleet, streamed: each cluster rendered on a worker thread and its files written (into the new folder
   * beside the output) as soon as it is encoded; files above the clusters last, then the swap. Nothing of the fleet's
   * output is held in memory; a problem in any cluster leaves the output as it was, as before.
   */
  private int renderFleet(Renderer renderer, Renderer.Fleet fleet) {
    int clusters;
    try (OutputFolder.Update update = new OutputFolder(out).update()) {
      Renderer.Streamed rendered = renderer.renderEach(fleet, fleet.clusters(),
          (i, c) -> OutputLayout.clusterFiles(c).forEach(update::write));
      printWarnings(rendered.warnings());
      OutputLayout.sharedFiles(fleet).forEach(update::write);
      update.commit();
      clusters = rendered.clusters();
    }
    spec.commandLine().getOut().println("rendered " + clusters + " clusters into " + out);
    return Capkit.OK;
  }

  /** --check, streamed: each cluster's files compared with the folder on the worker that rendered it. */
  private int checkFleet(Renderer renderer, Renderer.Fleet fleet) {
    OutputFolder folder = new OutputFolder(out);
    java.util.Set<String> expected = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Problem> differences = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.function.BiConsumer<String, byte[]> compare = (path, bytes) -> {
      expected.add(path);
      folder.difference(path, bytes).ifPresent(differences::add);
    };
    Renderer.Streamed rendered = renderer.renderEach(fleet, fleet.clusters(),
        (i, c) -> OutputLayout.clusterFiles(c).forEach(compare));
    printWarnings(rendered.warnings());
    OutputLayout.sharedFiles(fleet).forEach(compare);
    List<Problem> all = new java.util.ArrayList<>(differences);
    all.addAll(folder.extras(expected));
    if (!all.isEmpty()) {
      all.sort(null);
      throw new InvalidInputException(all);
    }
    spec.commandLine().getOut().println(out + " is up to date (" + rendered.clusters() + " clusters)");
    return Capkit.OK;
  }

  /**
   * --cluster: the whole fleet is rendered (a problem anywhere still fails, as before) but only the chosen cluster's
   * encoded output is kept and written, with the files above it.
   */
  private int renderOne(Renderer renderer, Renderer.Fleet fleet) {
    java.util.concurrent.atomic.AtomicReference<OutputLayout.EncodedCluster> chosen =
        new java.util.concurrent.atomic.AtomicReference<>();
    Renderer.Streamed rendered = renderer.renderEach(fleet, fleet.clusters(), (i, c) -> {
      if (fleet.clusters().get(i).key().equals(cluster)) {
        chosen.set(c);
      }
    });
    if (chosen.get() == null) {
      throw new InvalidInputException(Problem.at("--cluster", "no cluster " + cluster + " in the fleet"));
    }
    printWarnings(chosen.get().warnings());
    new OutputFolder(out).replace(OutputLayout.assemble(List.of(chosen.get())));
    spec.commandLine().getOut().println("rendered 1 clusters into " + out);
    return Capkit.OK;
  }

  // One write for all warnings: a large fleet can have thousands.
  private void printWarnings(List<String> list) {
    StringBuilder warnings = new StringBuilder();
    list.forEach(w -> warnings.append("warning: ").append(w).append(System.lineSeparator()));
    spec.commandLine().getErr().print(warnings);
    spec.commandLine().getErr().flush();
  }

  /** The incremental render under the output's lock, or null when a full render is needed. */
  private IncrementalRender.Result incrementally() {
    return incrementally(out, input.fleet, input.releases);
  }

  private static IncrementalRender.Result incrementally(Path out, String fleet, String releases) {
    Path abs = out.toAbsolutePath().normalize();
    if (abs.getParent() == null || !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (OutputLock lock = OutputLock.acquire(abs.getParent().resolve("." + abs.getFileName() + ".capkit-lock"), abs)) {
      return new IncrementalRender(abs, Path.of(fleet), fleet, Path.of(releases), releases,
          BuildIdentity.current()).run();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * {@code render --fleet DIR --releases DIR --out DIR} (nothing else) into an output that holds a usable record, run
   * without picocli: building capkit's whole command tree costs more start-up than an up-to-date render's own work.
   * Returns null — having written nothing — whenever the regular path must run: other arguments, or a full render.
   */
  static Integer withoutPicocli(PrintWriter out, PrintWriter err, String... args) {
    if (args.length == 0 || !args[0].equals("render")) {
      return null;
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      int eq = a.indexOf('=');
      String name = eq > 0 ? a.substring(0, eq) : a;
      if (!name.equals("--fleet") && !name.equals("--releases") && !name.equals("--out")) {
        return null;
      }
      String value = eq > 0 ? a.substring(eq + 1) : (++i < args.length ? args[i] : null);
      if (value == null || value.isEmpty() || value.startsWith("-") || options.put(name, value) != null) {
        return null;
      }
    }
    if (options.size() != 3) {
      return null;
    }
    IncrementalRender.Result result;
    try {
      result = incrementally(Path.of(options.get("--out")), options.get("--fleet"), options.get("--releases"));
    } catch (RuntimeException e) {
      return null; // the regular path reports it (another render holding the lock, a path that is no path, ...)
    }
    if (result == null) {
      return null;
    }
    StringBuilder warnings = new StringBuilder();
    result.warnings().forEach(w -> warnings.append("warning: ").append(w).append(System.lineSeparator()));
    err.print(warnings);
    err.flush();
    out.println(message(Path.of(options.get("--out")), result));
    return Capkit.OK;
  }

  private static String message(Path out, IncrementalRender.Result result) {
    return "rendered " + result.clusters() + " clusters into " + out + " (incremental: " + result.rendered()
        + " rendered, " + result.removed() + " removed, " + (result.clusters() - result.rendered()) + " unchanged)";
  }
}
