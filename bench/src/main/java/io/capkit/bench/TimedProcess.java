package io.capkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A command run under {@code /usr/bin/time}: wall seconds, CPU seconds (user + system), peak RSS. */
public record TimedProcess(double wallS, double cpuS, long maxRssKb, String out) {

  public static TimedProcess run(Path dir, Path work, Map<String, String> env, List<String> cmd)
      throws IOException, InterruptedException {
    return run(dir, work, env, cmd, String.join(" ", cmd), false);
  }

  /**
   * Runs {@code cmd} in {@code dir} (its output and timing files in {@code work}); fails naming {@code what} when it
   * exits non-zero or, with {@code quietStderr}, when it writes anything to stderr.
   */
  public static TimedProcess run(Path dir, Path work, Map<String, String> env, List<String> cmd, String what,
      boolean quietStderr) throws IOException, InterruptedException {
    Path time = work.resolve("time.txt");
    return run(dir, work, env, cmd, what, quietStderr,
        List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", time.toString()), time);
  }

  /**
   * The same, measured by {@code wrapper} (a command that runs the command given after it and writes
   * {@code wall_s user_s sys_s maxrss_kb} to {@code time}), e.g. bench/validate/wait4.py, which prints wait4's
   * rusage in microseconds where /usr/bin/time rounds to 10 ms.
   */
  public static TimedProcess run(Path dir, Path work, Map<String, String> env, List<String> cmd, String what,
      boolean quietStderr, List<String> wrapper, Path time) throws IOException, InterruptedException {
    Path out = work.resolve("cmd.out");
    Path err = work.resolve("cmd.err");
    List<String> full = new ArrayList<>(wrapper);
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().putAll(env);
    int code = pb.start().waitFor();
    if (code != 0 || quietStderr && Files.size(err) > 0) {
      throw new IllegalStateException(what + " failed (" + code + ")" + (quietStderr ? " or wrote to stderr" : "")
          + ": " + Files.readString(err).lines().limit(8).toList());
    }
    String[] f = Files.readString(time).trim().split("\\s+");
    return new TimedProcess(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]),
        Long.parseLong(f[3]), Files.readString(out));
  }

  public static String capture(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + text);
    }
    return text;
  }
}
