package io.capkit.bench.capi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How CAPI's MachineSet controller created a scale-up's Machines, from the core manager's log (klog, --v=2): each
 * reconcile that creates Machines logs {@code "Machine ns/name created (scale up, creating i of n)"} per Machine; a
 * reconcile that runs out of its deadline logs a {@code Reconciler error} with {@code context deadline exceeded}.
 */
public final class MachineSetLog {
  private static final Pattern CREATED = Pattern.compile("\\(scale up, creating (\\d+) of (\\d+)\\)");

  /** One reconcile's run of creations: how many it created of how many it set out to. */
  public record Batch(int created, int planned) {}

  private MachineSetLog() {}

  /** The creation batches in the log lines, in order. */
  public static List<Batch> batches(List<String> lines) {
    List<Batch> out = new ArrayList<>();
    int created = 0;
    int planned = 0;
    for (String line : lines) {
      Matcher m = CREATED.matcher(line);
      if (!m.find()) {
        continue;
      }
      int i = Integer.parseInt(m.group(1));
      int n = Integer.parseInt(m.group(2));
      if (i == 1 && planned > 0) {
        out.add(new Batch(created, planned));
      }
      created = i;
      planned = n;
    }
    if (planned > 0) {
      out.add(new Batch(created, planned));
    }
    return out;
  }

  /** MachineSet reconciles that failed because their context's deadline passed. */
  public static long deadlineErrors(List<String> lines) {
    return lines.stream().filter(l -> l.contains("Reconciler error") && l.contains("controller=\"machineset\"")
        && l.contains("context deadline exceeded")).count();
  }

  /** The log's lines after the first {@code skip} (the set-up's). */
  public static List<String> read(Path log, int skip) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return all.subList(Math.min(skip, all.size()), all.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + log, e);
    }
  }

  /** Number of lines in the log now (to skip them later). */
  public static int lineCount(Path log) {
    try (var s = Files.lines(log, StandardCharsets.ISO_8859_1)) {
      return (int) s.count();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }
}
