package io.capkit.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs an unpacked image's entry point the way a container runtime would, without one: in new mount and PID
 * namespaces (util-linux {@code unshare}), on the image's root filesystem mounted read-only (as the manifests'
 * {@code readOnlyRootFilesystem: true}) with a private /proc, a minimal /dev and a tmpfs /tmp (the manifests'
 * emptyDir), as the config's {@code User} with no supplementary groups and no capabilities, in its
 * {@code WorkingDir}, with exactly its {@code Env} plus what the caller adds (as a pod spec's env does) and its
 * {@code Entrypoint} followed by the caller's arguments (a pod's {@code args} replace {@code Cmd}). Needs root, as
 * a runtime does. Killing the returned process ends the namespace and everything in it.
 */
final class UnpackedContainer {
  private static final String SETUP = String.join("\n",
      "set -e",
      "R=$1; U=$2; G=$3; W=$4; shift 4",
      "mount --make-rprivate /",
      "mount --bind \"$R\" \"$R\"",
      "mount -t proc proc \"$R/proc\"",
      "mount -t tmpfs -o mode=0755,size=64k tmpfs \"$R/dev\"",
      "for d in null zero full random urandom tty; do touch \"$R/dev/$d\"; mount --bind \"/dev/$d\" \"$R/dev/$d\"; done",
      "mount -t tmpfs -o mode=1777,size=64m tmpfs \"$R/tmp\"",
      "mount -o remount,bind,ro \"$R\"",
      "exec unshare --root=\"$R\" --wd=\"$W\" --setgid=\"$G\" --setuid=\"$U\" -- \"$@\"");

  private final Path rootfs;
  private final JsonNode config;

  UnpackedContainer(Path rootfs, JsonNode imageConfig) {
    this.rootfs = rootfs;
    this.config = imageConfig.path("config");
  }

  /** The config's User as {uid, gid}; a user name is looked up in the image's /etc/passwd. */
  int[] user() throws IOException {
    String[] parts = config.path("User").asText().split(":", 2);
    int uid = numericId(parts[0], "etc/passwd", 2);
    int gid = parts.length > 1 ? numericId(parts[1], "etc/group", 2) : primaryGroup(uid);
    return new int[] {uid, gid};
  }

  private int numericId(String value, String db, int field) throws IOException {
    if (value.matches("\\d+")) {
      return Integer.parseInt(value);
    }
    return Files.readAllLines(rootfs.resolve(db)).stream().map(l -> l.split(":"))
        .filter(f -> f[0].equals(value)).map(f -> Integer.parseInt(f[field])).findFirst()
        .orElseThrow(() -> new IllegalStateException(value + " is not in the image's " + db));
  }

  private int primaryGroup(int uid) throws IOException {
    return Files.readAllLines(rootfs.resolve("etc/passwd")).stream().map(l -> l.split(":"))
        .filter(f -> Integer.parseInt(f[2]) == uid).map(f -> Integer.parseInt(f[3])).findFirst().orElse(uid);
  }

  /** The user's home from the image's /etc/passwd (runtimes set HOME from it). */
  Optional<String> home(int uid) throws IOException {
    return Files.readAllLines(rootfs.resolve("etc/passwd")).stream().map(l -> l.split(":"))
        .filter(f -> Integer.parseInt(f[2]) == uid).map(f -> f[5]).findFirst();
  }

  /** Starts the entry point with {@code args}; stdout and stderr go to {@code log}. */
  Process start(List<String> args, Map<String, String> extraEnv, Path log) throws IOException {
    int[] user = user();
    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child", "--",
        "/bin/sh", "-c", SETUP, "capkit-container", rootfs.toString(), String.valueOf(user[0]),
        String.valueOf(user[1]), config.path("WorkingDir").asText("/")));
    config.path("Entrypoint").forEach(e -> command.add(e.asText()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    home(user[0]).ifPresent(h -> env.put("HOME", h));
    for (JsonNode e : config.path("Env")) {
      String[] kv = e.asText().split("=", 2);
      env.put(kv[0], kv[1]);
    }
    env.putAll(extraEnv);
    return pb.start();
  }

  /**
   * Stops the container as a runtime does: SIGTERM to its PID 1 (unshare's parent ignores SIGTERM, so the signal
   * goes to the entry point itself), SIGKILL after {@code grace}. Returns true when SIGTERM was enough.
   */
  static boolean stop(Process container, java.time.Duration grace) throws InterruptedException {
    container.children().forEach(ProcessHandle::destroy);
    if (container.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      return true;
    }
    container.descendants().forEach(ProcessHandle::destroyForcibly);
    container.destroyForcibly();
    container.waitFor();
    return false;
  }

  /** The process running the entry point (PID 1 of the container), seen from outside. */
  static Optional<ProcessHandle> entryPoint(Process container, String executable) {
    return container.descendants().filter(p -> p.info().command().map(c -> c.endsWith(executable)).orElse(false))
        .findFirst();
  }

  /** A line of /proc/PID/status, e.g. {@code Uid} or {@code CapEff}, without its label. */
  static String status(ProcessHandle p, String field) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"), StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith(field + ":")).map(l -> l.substring(field.length() + 1).trim()).findFirst()
        .orElseThrow();
  }
}
