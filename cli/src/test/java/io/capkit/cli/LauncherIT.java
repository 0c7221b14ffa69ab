package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.CrdSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/capkit} as users run it, on a copy of the launcher and the built jar: the JVM it picks (JDK 25 when
 * installed, else {@code CAPKIT_JAVA} or the java on PATH), the class-data archive each one-shot command records on
 * its first successful run, and that none of it ever changes what a command prints or returns: the same stdout,
 * stderr and exit code as the command run in process, whatever state the archive is in.
 */
class LauncherIT {
  private static final Path ROOT = CrdSources.repoRoot();
  private static final Path CLUSTER = ROOT.resolve(
      "fleet-repo-example/management-clusters/mc-berlin/organizations/acme/workload-clusters/prod-eu/cluster.yaml");
  /** The JDK the tests run on (17, the fallback) and the newest JDK 25+ installed (this machine kind ships one). */
  private static final Path JDK_17 = Path.of(System.getProperty("java.home"));
  private static Path jdk25;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void findJdk25() throws IOException {
    try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
      jdk25 = homes.filter(h -> major(h) >= 25).max(java.util.Comparator.comparingInt(LauncherIT::major))
          .orElseThrow(() -> new AssertionError("no JDK 25 or later in /usr/lib/jvm; the machine kind ships Temurin 25"));
    }
  }

  static int major(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          return Integer.parseInt(line.substring(13).replace("\"", "").split("\\.")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  static String runtimeVersion(Path home) throws IOException {
    for (String line : Files.readAllLines(home.resolve("release"))) {
      if (line.startsWith("JAVA_RUNTIME_VERSION=")) {
        return line.substring(21).replace("\"", "").replaceAll("[^A-Za-z0-9._-]", "_");
      }
    }
    throw new AssertionError("no JAVA_RUNTIME_VERSION in " + home);
  }

  /** A copy of the install: bin/capkit, cli/target/capkit.jar and capkit-validate.jar, nothing recorded yet. */
  static Path install(Path tmp) throws IOException {
    Path root = tmp.resolve("capkit");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("cli/target"));
    Files.copy(ROOT.resolve("bin/capkit"), root.resolve("bin/capkit"), StandardCopyOption.COPY_ATTRIBUTES);
    Path jar = ROOT.resolve("cli/target/capkit.jar");
    assertTrue(Files.isRegularFile(jar), "the jar is built in the package phase, before the ITs");
    Files.copy(jar, root.resolve("cli/target/capkit.jar"));
    Files.copy(ROOT.resolve("cli/target/capkit-validate.jar"), root.resolve("cli/target/capkit-validate.jar"));
    return root;
  }

  static Result launch(Path root, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/capkit").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.environment().remove("CAPKIT_JAVA");
    pb.environment().remove("CAPKIT_JAVA_OPTS");
    pb.environment().putAll(env);
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    try {
      int code = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
      return new Result(code, Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  static Result inProcess(String... args) {
    CapkitCommandTest.Run r = CapkitCommandTest.run(args);
    return new Result(r.code(), r.out(), r.err());
  }

  static List<String> recorded(Path root) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("cli/target"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("capkit.jar") && !n.equals("capkit-validate.jar"))
          .sorted().toList();
    }
  }

  @Test
  void validateRunsOnJdk25WithAnAotCacheAndPrintsExactlyWhatTheCommandPrints(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    Path bad = tmp.resolve("cluster.yaml");
    Files.writeString(bad, Files.readString(CLUSTER).replace("CONTROL_PLANE_MACHINE_COUNT: 5",
        "CONTROL_PLANE_MACHINE_COUNT: 4"));
    Result expected = inProcess("validate", CLUSTER.toString());
    assertEquals(new Result(0, "1 files valid\n", ""), expected);
    assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()), "first run: records the cache");
    String aot = "capkit-validate." + runtimeVersion(jdk25) + ".aot";
    assertEquals(List.of(aot), recorded(root), "one AOT cache for validate on JDK 25, no temporary file left");
    assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()), "later runs map it");

    Result invalid = inProcess("validate", bad.toString());
    assertEquals(1, invalid.code());
    assertTrue(invalid.err().contains("CONTROL_PLANE_MACHINE_COUNT"), invalid.err());
    assertEquals(invalid, launch(root, Map.of(), "validate", bad.toString()));
    Result usage = inProcess("validate");
    assertEquals(2, usage.code());
    assertEquals(usage, launch(root, Map.of(), "validate"));
    assertEquals(List.of(aot), recorded(root), "failed runs record nothing");
  }

  @Test
  void printJvmShowsTheJavaAndOptionsACommandRunsWithAndJavaOptsReplaceThem(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    Result render = launch(root, Map.of("CAPKIT_PRINT_JVM", "1"), "render", "--help");
    assertEquals(0, render.code(), render.err());
    assertEquals("", render.err());
    List<String> lines = render.out().lines().toList();
    assertEquals(jdk25.resolve("bin/java").toString(), lines.get(0), "the newest JDK >= 25 in /usr/lib/jvm");
    assertTrue(lines.size() > 1 && lines.subList(1, lines.size()).stream().allMatch(o -> o.startsWith("-")), lines::toString);
    assertEquals(List.of(), recorded(root), "printing runs nothing and records nothing");
    // The printed options are ones that JVM accepts (the bench harnesses start their probes with them).
    List<String> version = new ArrayList<>(lines);
    version.add("-version");
    assertEquals(0, new ProcessBuilder(version).redirectErrorStream(true).redirectOutput(
        ProcessBuilder.Redirect.DISCARD).start().waitFor(), version::toString);

    Result custom = launch(root, Map.of("CAPKIT_PRINT_JVM", "1", "CAPKIT_JAVA_OPTS", " -Xmx77m  -Dcapkit.x=*  "),
        "render");
    List<String> customLines = custom.out().lines().toList();
    assertEquals(List.of("-Xmx77m", "-Dcapkit.x=*"), customLines.subList(customLines.size() - 2, customLines.size()),
        "CAPKIT_JAVA_OPTS replaces the command's options, split on blanks, never globbed");
    assertTrue(customLines.stream().noneMatch(o -> o.equals("-Xmx1g") || o.startsWith("-XX:AOT")), customLines::toString);
    Result run = launch(root, Map.of("CAPKIT_JAVA_OPTS", "-Xmx77m"), "validate", CLUSTER.toString());
    assertEquals(inProcess("validate", CLUSTER.toString()), run);
    assertEquals(List.of(), recorded(root), "with CAPKIT_JAVA_OPTS no archive is recorded");
  }

  /**
   * With its archive, a one-file validate that passes never reads capkit.jar (opening it indexes 18,500 entries):
   * once the archives are recorded, the jar's bytes are replaced by zeros of the same size and time (what the archives
   * check), and the file still validates on JDK 25 and 17, as do other cluster and defaults files whose rules load
   * classes the archive, trained on the first file, lacks (capkit-validate.jar holds the api module and
   * snakeyaml-engine). Launched with {@code -jar}, or with one class-path lookup reaching capkit.jar, the run would
   * fail on the broken jar. (Other runs, e.g. a folder holding KVM hosts, may load classes from capkit.jar.)
   */
  @Test
  void aValidateThatPassesNeverReadsTheBigJar(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    Result expected = inProcess("validate", CLUSTER.toString());
    assertEquals(new Result(0, "1 files valid\n", ""), expected);
    Map<String, String> jdk17 = Map.of("CAPKIT_JAVA", JDK_17.toString());
    for (Map<String, String> env : List.of(Map.<String, String>of(), jdk17)) {
      assertEquals(expected, launch(root, env, "validate", CLUSTER.toString()), "records the archive: " + env);
    }
    assertEquals(2, recorded(root).size(), recorded(root).toString());
    Path jar = root.resolve("cli/target/capkit.jar");
    FileTime built = Files.getLastModifiedTime(jar);
    Files.write(jar, new byte[(int) Files.size(jar)]);
    Files.setLastModifiedTime(jar, built);
    Path org = ROOT.resolve("fleet-repo-example/management-clusters/mc-berlin/organizations/initech");
    List<String> others = List.of(org.resolve("workload-clusters/edge-metal/cluster.yaml").toString(),
        org.resolve("workload-clusters/hosted/cluster.yaml").toString(), org.resolve("defaults.yaml").toString());
    for (Map<String, String> env : List.of(Map.<String, String>of(), jdk17)) {
      assertEquals(expected, launch(root, env, "validate", CLUSTER.toString()), "one file: " + env);
      for (String other : others) {
        assertEquals(new Result(0, "1 files valid\n", ""), launch(root, env, "validate", other), other + " " + env);
      }
    }
    Result broken = launch(root, Map.of(), "flavors");
    assertTrue(broken.code() != 0, "the zeroed jar really is unreadable: " + broken);
  }

  /**
   * bin/capkit is a POSIX shell script, run by /bin/sh (Debian's dash starts in a fraction of bash's time): a validate
   * whose archive is in place, as a pre-commit hook or an editor runs it on every save, starts no program but the JVM,
   * so it runs with nothing on PATH (the old {@code #!/usr/bin/env bash} launcher needed env and bash there).
   */
  @Test
  void aValidateWithItsArchiveStartsOnlyTheJvm(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    assertEquals("#!/bin/sh", Files.readAllLines(root.resolve("bin/capkit")).get(0));
    Result expected = inProcess("validate", CLUSTER.toString());
    assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()), "records the archive");
    assertEquals(1, recorded(root).size(), recorded(root).toString());
    Path nothing = Files.createDirectory(tmp.resolve("empty-path"));
    assertEquals(expected, launch(root, Map.of("PATH", nothing.toString()), "validate", CLUSTER.toString()));
  }

  @Test
  void capkitJavaPicksTheJvmAndJdk17GetsItsOwnAppCdsArchive(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    Result expected = inProcess("validate", CLUSTER.toString());
    // A JDK folder or its java executable; an archive of one JDK is never given to another.
    assertEquals(expected, launch(root, Map.of("CAPKIT_JAVA", JDK_17.toString()), "validate", CLUSTER.toString()));
    String jsa = "capkit-validate." + runtimeVersion(JDK_17) + ".jsa";
    assertEquals(List.of(jsa), recorded(root));
    assertEquals(expected, launch(root, Map.of("CAPKIT_JAVA", JDK_17.resolve("bin/java").toString()), "validate",
        CLUSTER.toString()));
    assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()));
    assertEquals(List.of(jsa, "capkit-validate." + runtimeVersion(jdk25) + ".aot"), recorded(root));
  }

  @Test
  void aBrokenOrForeignArchiveCostsStartUpTimeNeverAFailureOrAMessage(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    Result expected = inProcess("validate", CLUSTER.toString());
    assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()));
    Path aot = root.resolve("cli/target/capkit-validate." + runtimeVersion(jdk25) + ".aot");
    byte[] good = Files.readAllBytes(aot);
    byte[] random = new byte[good.length];
    new Random(18).nextBytes(random);
    byte[] header = java.util.Arrays.copyOf(good, 4096);
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    for (byte[] content : List.of(random, header, truncated)) {
      Files.write(aot, content);
      Files.setLastModifiedTime(aot, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
      assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()), content.length + " bytes");
    }
    // An archive the jar is newer than is recorded again.
    Files.setLastModifiedTime(aot, FileTime.fromMillis(0));
    assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()));
    assertFalse(java.util.Arrays.equals(truncated, Files.readAllBytes(aot)), "a stale archive is replaced");
    // The JDK 17 archive: garbage in the file is ignored as well.
    Path jsa = root.resolve("cli/target/capkit-validate." + runtimeVersion(JDK_17) + ".jsa");
    Files.write(jsa, random);
    Files.setLastModifiedTime(jsa, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    assertEquals(expected, launch(root, Map.of("CAPKIT_JAVA", JDK_17.toString()), "validate", CLUSTER.toString()));
    assertArrayEquals(random, Files.readAllBytes(jsa), "an archive newer than the jar is used, not re-recorded");
  }

  @Test
  void concurrentFirstRunsAllSucceedAndLeaveOneWholeArchive(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    Result expected = inProcess("validate", CLUSTER.toString());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Result>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        runs.add(pool.submit(() -> launch(root, Map.of(), "validate", CLUSTER.toString())));
      }
      for (Future<Result> r : runs) {
        assertEquals(expected, r.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(List.of("capkit-validate." + runtimeVersion(jdk25) + ".aot"), recorded(root));
    assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()));
  }

  @Test
  void aFolderThatCannotBeWrittenRecordsNothingAndSaysNothing(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    Path target = root.resolve("cli/target");
    // Root ignores permission bits: the immutable attribute makes the folder read-only even for root.
    assertEquals(0, new ProcessBuilder("chattr", "+i", target.toString()).inheritIO().start().waitFor());
    try {
      Result expected = inProcess("validate", CLUSTER.toString());
      assertEquals(expected, launch(root, Map.of(), "validate", CLUSTER.toString()));
      assertEquals(expected, launch(root, Map.of("CAPKIT_JAVA", JDK_17.toString()), "validate", CLUSTER.toString()));
      assertEquals(List.of(), recorded(root));
    } finally {
      new ProcessBuilder("chattr", "-i", target.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void otherOneShotCommandsPrintTheSameOnJdk25AndHelpRecordsNoArchive(@TempDir Path tmp) throws Exception {
    Path root = install(tmp);
    String fleet = ROOT.resolve("fleet-repo-example").toString();
    String releases = ROOT.resolve("releases").toString();
    for (String[] args : List.of(new String[] {"flavors"},
        new String[] {"explain", "org-acme/prod-eu", "--fleet", fleet, "--releases", releases},
        new String[] {"validate", "--help"})) {
      Result expected = inProcess(args);
      assertEquals(0, expected.code(), String.join(" ", args) + ": " + expected.err());
      assertEquals(expected, launch(root, Map.of(), args), String.join(" ", args));
    }
    Result version = launch(root, Map.of(), "--version");
    assertEquals(new Result(0, version.out(), ""), version);
    assertTrue(version.out().startsWith("capkit "), version.out());
    Result expected = inProcess("render", "--fleet", fleet, "--releases", releases, "--out",
        tmp.resolve("in-process").toString());
    Path out = tmp.resolve("out");
    Result render = launch(root, Map.of(), "render", "--fleet", fleet, "--releases", releases, "--out", out.toString());
    assertEquals(new Result(0, "rendered 8 clusters into " + out + "\n", expected.err()), render,
        "render's own warnings, nothing from the JVM");
    String v = runtimeVersion(jdk25);
    assertEquals(List.of("capkit-explain." + v + ".aot", "capkit-flavors." + v + ".aot", "capkit-render." + v + ".aot"),
        recorded(root), "one archive per command; --help and --version record none");
    // Into the output it just rendered (its record newer than the jar): the incremental path, with an archive of its
    // own, trained on a run that renders nothing (and warms the renderer up in memory): the same bytes out.
    Result incremental = launch(root, Map.of(), "render", "--fleet", fleet, "--releases", releases, "--out",
        out.toString());
    assertEquals(new Result(0, "rendered 8 clusters into " + out + " (incremental: 0 rendered, 0 removed, 8 unchanged)\n",
        expected.err()), incremental, "the training run prints what the command prints");
    assertEquals(List.of("capkit-explain." + v + ".aot", "capkit-flavors." + v + ".aot",
        "capkit-render-inc." + v + ".aot", "capkit-render." + v + ".aot"), recorded(root));
    assertEquals(incremental, launch(root, Map.of(), "render", "--fleet=" + fleet, "--releases", releases, "--out",
        out.toString()), "with the archive");
    // The same files as in process (the record names another build there: classes folders, not the jar).
    java.util.SortedMap<String, byte[]> inProcess = CapkitCommandTest.tree(tmp.resolve("in-process"));
    java.util.SortedMap<String, byte[]> launched = CapkitCommandTest.tree(out);
    inProcess.remove(RenderRecord.FILE);
    launched.remove(RenderRecord.FILE);
    CapkitCommandTest.assertSameTree(inProcess, launched);
  }
}
