package io.capkit.bench.capi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time (user + system) and peak resident memory of the processes a benchmark runs, from /proc. Clock ticks are
 * taken as 1/100 s (USER_HZ on Linux x86-64).
 */
public final class ProcessCpu {
  private ProcessCpu() {}

  /** User + system seconds in the text of a {@code /proc/PID/stat} file (the command name may hold spaces, parens). */
  public static double seconds(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // After "pid (comm) ": state is field 3 of proc(5), utime 14 and stime 15, i.e. index 11 and 12 here.
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** User + system seconds of a running process so far; NaN when it is gone. */
  public static double seconds(long pid) {
    try {
      return seconds(Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** The process's command line, arguments joined by spaces, or "" when it is gone. */
  public static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ').trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** A {@code /proc/PID/status} value in KiB (e.g. {@code VmHWM:}), 0 when the process is gone. */
  public static long statusKib(long pid, String key) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith(key)) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone
    }
    return 0;
  }

  /** CPU seconds of each named process at one moment. */
  public static Map<String, Double> snapshot(Map<String, Long> pids) {
    Map<String, Double> out = new LinkedHashMap<>();
    pids.forEach((name, pid) -> out.put(name, seconds(pid)));
    return out;
  }

  /** {@code after − before} per name (names of {@code after}, in its order). */
  public static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> out = new LinkedHashMap<>();
    after.forEach((name, v) -> out.put(name, v - before.getOrDefault(name, 0.0)));
    return out;
  }
}
