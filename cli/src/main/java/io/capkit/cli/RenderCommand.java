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
    // One hold of the output's lock from the incremental attempt through the full render it may fall back to: no
    // other render writes the output in between.
    OutputLock held = recorded ? takeHandoff(out) : null;
    try {
      if (recorded && !full && held == null) {
        Attempt attempt = incrementally(out, input.fleet, input.releases);
        if (attempt.result() != null) {
          spec.commandLine().getErr().print(attempt.result().warnings());
          spec.commandLine().getErr().flush();
          spec.commandLine().getOut().println(message(out, attempt.result()));
          return Capkit.OK;
        }
        held = attempt.lock();
      }
      OutputLock lock = held;
      // Building the renderer (contract schema, flavors) needs nothing of the fleet: it runs while the trees are
      // listed and read.
      Background<Renderer> building = Background.start("capkit-renderer", Renderer::standard);
      return input.with(t -> {
        if (recorded) {
          // Streamed as renderFleet, with the record of this render written into the new folder before the swap; the
          // build's identity (a digest of the jar) is only needed for the record.
          Background<String> build = Background.start("capkit-build-identity", BuildIdentity::current);
          int clusters = RecordedRender.full(building::get, t.fleet(), t.fleetLabel(), t.releases(), t.releasesLabel(),
              build::get, new OutputFolder(out), lock, this::printWarnings);
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
    } finally {
      closeQuietly(held); // a no-op once the full render's update released it
    }
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
    spec.commandLine().getErr().print(IncrementalRender.appendWarnings(new StringBuilder(), list));
    spec.commandLine().getErr().flush();
  }

  /**
   * What an incremental attempt gave: its result, or (null) the output's lock, still held, for the full render that
   * must follow — or neither, when there was no output folder to lock.
   */
  record Attempt(IncrementalRender.Result result, OutputLock lock) {}

  /** The incremental render under the output's lock; see {@link Attempt}. */
  private static Attempt incrementally(Path out, String fleet, String releases) {
    Path abs = out.toAbsolutePath().normalize();
    if (abs.getParent() == null || !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      return new Attempt(null, null);
    }
    OutputLock lock;
    try {
      lock = OutputLock.acquire(OutputFolder.lockFile(abs), abs);
    } catch (IOException e) {
      return new Attempt(null, null);
    }
    boolean keep = false;
    try {
      IncrementalRender.Result result = new IncrementalRender(abs, Path.of(fleet), fleet, Path.of(releases), releases,
          BuildIdentity::current).run();
      keep = result == null;
      return new Attempt(result, keep ? lock : null);
    } finally {
      if (!keep) {
        closeQuietly(lock);
      }
    }
  }

  private static void closeQuietly(OutputLock lock) {
    if (lock != null) {
      try {
        lock.close();
      } catch (IOException e) {
        // The lock goes with the channel; a lock file left behind is taken over by the next render.
      }
    }
  }

  /**
   * The lock of an output whose incremental attempt (without picocli) found that everything must be rendered, handed
   * to the full render of the same command on this thread ({@link #call()}), so the lock is held from the attempt to
   * the swap. {@link Capkit#run} releases one left unused.
   */
  private static final ThreadLocal<Handoff> HANDOFF = new ThreadLocal<>();

  private record Handoff(Path out, OutputLock lock) {}

  private static OutputLock takeHandoff(Path out) {
    Handoff h = HANDOFF.get();
    HANDOFF.remove();
    if (h == null) {
      return null;
    }
    if (!h.out().equals(out.toAbsolutePath().normalize())) {
      closeQuietly(h.lock());
      return null;
    }
    return h.lock();
  }

  /** Releases a lock handed over by {@link #withoutPicocli} that no render took (the regular path failed first). */
  static void releaseHandoff() {
    Handoff h = HANDOFF.get();
    HANDOFF.remove();
    if (h != null) {
      closeQuietly(h.lock());
    }
  }

  /**
   * {@code render --fleet DIR --releases DIR --out DIR} (nothing else) into an output that holds a usable record, run
   * without picocli: building capkit's whole command tree costs more start-up than an up-to-date render's own work.
   * Returns null — having written nothing — whenever the regular path must run: other arguments, or a full render
   * (which then keeps the lock this attempt took, see {@link #HANDOFF}).
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
    Attempt attempt;
    try {
      attempt = incrementally(Path.of(options.get("--out")), options.get("--fleet"), options.get("--releases"));
    } catch (RuntimeException e) {
      return null; // the regular path reports it (another render holding the lock, a path that is no path, ...)
    }
    IncrementalRender.Result result = attempt.result();
    if (result == null) {
      if (attempt.lock() != null) {
        // A full render follows through picocli, under this same hold of the lock (no second attempt).
        HANDOFF.set(new Handoff(Path.of(options.get("--out")).toAbsolutePath().normalize(), attempt.lock()));
      }
      return null;
    }
    err.print(result.warnings());
    err.flush();
    out.println(message(Path.of(options.get("--out")), result));
    return Capkit.OK;
  }

  private static String message(Path out, IncrementalRender.Result result) {
    return "rendered " + result.clusters() + " clusters into " + out + " (incremental: " + result.rendered()
        + " rendered, " + result.removed() + " removed, " + (result.clusters() - result.rendered()) + " unchanged)";
  }
}
