package io.capkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the benchmark reports say about the machine they ran on. */
public final class BenchHost {
  private BenchHost() {}

  /** The 1, 5 and 15 minute load averages joined by {@code separator}, or "unknown". */
  public static String loadAverage(String separator) {
    try {
      return String.join(separator, List.of(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+"))
          .subList(0, 3));
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The CPU's model name, or "unknown CPU". */
  public static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }
}
