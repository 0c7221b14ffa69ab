package io.capkit.bench.webhook;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A server under test in its own process: its output goes to a log file, its memory and CPU time are read from
 * {@code /proc}. Stopping closes its stdin first (the capkit child exits on that) and then terminates it.
 */
public final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final CompletableFuture<String> firstMatch = new CompletableFuture<>();

  private ServerProcess(String name, Process process, Path log, Predicate<String> watchFor) {
    this.name = name;
    this.process = process;
    this.log = log;
    Thread pump = new Thread(() -> pump(watchFor), name + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts the command; {@code watchFor} picks the output line {@link #awaitLine} returns. */
  public static ServerProcess start(String name, List<String> command, Path log, Predicate<String> watchFor)
      throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ServerProcess(name, p, log, watchFor);
  }

  private void pump(Predicate<String> watchFor) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        w.write(line);
        w.write('\n');
        w.flush();
        if (!firstMatch.isDone() && watchFor.test(line)) {
          firstMatch.complete(line);
        }
      }
    } catch (IOException e) {
      firstMatch.completeExceptionally(e);
    }
    firstMatch.completeExceptionally(new IOException(name + " exited with " + exitCode() + "; see " + log));
  }

  /** The first output line the predicate accepted, waiting at most {@code timeout}. */
  public String awaitLine(Duration timeout) throws IOException {
    try {
      return firstMatch.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(name + " printed no start line within " + timeout + "; see " + log, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** VmRSS in KiB. */
  public long rssKb() throws IOException {
    return status("VmRSS:");
  }

  /** VmHWM (peak RSS) in KiB. */
  public long peakRssKb() throws IOException {
    return status("VmHWM:");
  }

  /** User plus system CPU time so far. */
  public Duration cpu() {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /** Kernel counters of the process: user and system CPU ticks, context switches summed over its threads. */
  public record Counters(long userTicks, long systemTicks, long voluntarySwitches, long involuntarySwitches) {
    /** The clock tick /proc counts CPU time in (USER_HZ, 100 on Linux). */
    public static final double TICK_MICROS = 10_000;
  }

  /** The process's {@link Counters} now (threads that ended since are missing from the switch counts). */
  public Counters counters() throws IOException {
    Path proc = Path.of("/proc", Long.toString(process.pid()));
    String stat = Files.readString(proc.resolve("stat"));
    // Fields after the command name (which is in parentheses and may contain spaces): state is field 3.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    long voluntary = 0;
    long involuntary = 0;
    try (java.util.stream.Stream<Path> tasks = Files.list(proc.resolve("task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              voluntary += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
              involuntary += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // the thread ended while we listed
        }
      }
    }
    return new Counters(utime, stime, voluntary, involuntary);
  }

  private long status(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException(key + " missing from /proc/" + process.pid() + "/status");
  }

  private String exitCode() {
    return process.isAlive() ? "(still running)" : Integer.toString(process.exitValue());
  }

  /** Closes stdin, waits up to {@code grace} for the process to end, then terminates it. */
  public void stop(Duration grace) {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (IOException e) {
      process.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }
}
