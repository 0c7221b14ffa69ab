package io.capkit.bench.render;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.reflect.Method;

/**
 * Runs {@code capkit render ARGS} inside this JVM (the CLI jar must be on the class path) and prints the peak
 * heap: the sum of each heap pool's peak usage, an upper bound of the true peak since pools peak at different times.
 */
public final class InProcessRender {
  private InProcessRender() {}

  public static void main(String[] args) throws Exception {
    // Reflection keeps the bench module free of a build dependency on the CLI; the jar is the thing measured.
    Method run = Class.forName("io.capkit.cli.Capkit").getMethod("run", PrintWriter.class, PrintWriter.class,
        String[].class);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    long start = System.nanoTime();
    int code = (int) run.invoke(null, new PrintWriter(out), new PrintWriter(err), (Object) args);
    long wallMs = (System.nanoTime() - start) / 1_000_000;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    if (code != 0) {
      System.err.print(err);
      System.exit(code);
    }
    System.out.println("heapPeakBytes=" + peak + " wallMs=" + wallMs);
  }
}
