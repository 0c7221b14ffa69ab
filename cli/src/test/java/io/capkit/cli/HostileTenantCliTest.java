package io.capkit.cli;

import static io.capkit.cli.CapkitCommandTest.assertSameTree;
import static io.capkit.cli.CapkitCommandTest.run;
import static io.capkit.cli.CapkitCommandTest.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.cli.CapkitCommandTest.Run;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, items 6, 7, 11 and the UTF-8 part of 12: a tenant's fleet file tries to exhaust memory or the stack of
 * {@code render}/{@code validate}, or two renders race for one output. Each input is the one from the issue; each
 * run must end with exit 1, one {@code file: problem} line and nothing written.
 */
class HostileTenantCliTest {
  private static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));
  private static final String RELEASES = ROOT.resolve("releases").toString();
  private static final String CLUSTER = "management-clusters/mc/organizations/o/workload-clusters/db/cluster.yaml";
  private static final String HEAD = """
      apiVersion: fleet.capkit.io/v1alpha1
      kind: WorkloadCluster
      metadata: {name: db}
      spec:
        release: v1.2.0
        variables:
      """;

  /** 45 aliases in one variable: 9^6 strings once expanded, in a file under 500 bytes. */
  static String aliasBomb() {
    StringBuilder b = new StringBuilder(HEAD).append("    NTP_SERVERS: [&a [l,l,l,l,l,l,l,l,l]");
    for (char c = 'b'; c <= 'f'; c++) {
      b.append(c == 'f' ? ", [" : ", &" + c + " [");
      for (int i = 0; i < 9; i++) {
        b.append(i == 0 ? "" : ",").append('*').append((char) (c - 1));
      }
      b.append(']');
    }
    return b.append("]\n").toString();
  }

  private static Path fleetWith(Path tmp, byte[] cluster) throws IOException {
    Path file = tmp.resolve("fleet").resolve(CLUSTER);
    Files.createDirectories(file.getParent());
    Files.write(file, cluster);
    return tmp.resolve("fleet");
  }

  private static void assertRefused(Run r, Path file, String problem) {
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith(file + ": ") && r.err().contains(problem), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
    assertEquals("", r.out());
  }

  private static void assertNothingBeside(Path tmp, Path... expected) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(expected), s.sorted().toList(), "nothing written beside the inputs");
    }
  }

  @Test
  void aliasBombIsRefusedBeforeItExpands(@TempDir Path tmp) throws IOException {
    String bomb = aliasBomb();
    assertEquals(45, bomb.chars().filter(c -> c == '*').count());
    assertTrue(bomb.length() < 500, "the issue's bomb is 499 bytes; this one is " + bomb.length());
    Path fleet = fleetWith(tmp, bomb.getBytes(StandardCharsets.UTF_8));
    Path out = tmp.resolve("out");
    Run r = run("render", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", out.toString());
    assertRefused(r, fleet.resolve(CLUSTER), "line 7, column 19: anchors (&a) are not allowed: write the value out");
    assertNothingBeside(tmp, fleet);
    Run v = run("validate", fleet.resolve(CLUSTER).toString());
    assertRefused(v, fleet.resolve(CLUSTER), "anchors (&a) are not allowed");
  }

  @Test
  void aliasOfAScalarIsRefusedToo(@TempDir Path tmp) throws IOException {
    Path fleet = fleetWith(tmp, (HEAD + "    A: &x 10.0.0.0/16\n    POD_IP_RANGE: *x\n")
        .getBytes(StandardCharsets.UTF_8));
    Run v = run("validate", fleet.resolve(CLUSTER).toString());
    assertRefused(v, fleet.resolve(CLUSTER), "anchors (&x) are not allowed");
  }

  @Test
  void deepNestingIsAClearErrorNotAStackOverflow(@TempDir Path tmp) throws IOException {
    String deep = HEAD + "    X: " + "[".repeat(2000) + "]".repeat(2000) + "\n";
    Path fleet = fleetWith(tmp, deep.getBytes(StandardCharsets.UTF_8));
    Path out = tmp.resolve("out");
    Run r = run("render", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", out.toString());
    assertRefused(r, fleet.resolve(CLUSTER), "lists and maps nested deeper than 100 levels");
    assertNothingBeside(tmp, fleet);
    Run v = run("validate", fleet.toString());
    assertRefused(v, fleet.resolve(CLUSTER), "lists and maps nested deeper than 100 levels");
  }

  @Test
  void aHugeFileIsRefusedBeforeItIsRead(@TempDir Path tmp) throws IOException {
    Path fleet = fleetWith(tmp, HEAD.getBytes(StandardCharsets.UTF_8));
    // 1 GiB, sparse: reading it whole would take the heap the issue saw exhausted; its size alone refuses it.
    try (RandomAccessFile f = new RandomAccessFile(fleet.resolve(CLUSTER).toFile(), "rw")) {
      f.setLength(1L << 30);
    }
    Run v = run("validate", fleet.resolve(CLUSTER).toString());
    assertRefused(v, fleet.resolve(CLUSTER), "file is 1073741824 bytes, over the limit of 3145728; not read");
    Path out = tmp.resolve("out");
    Run r = run("render", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", out.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("file is 1073741824 bytes, over the limit of 3145728; not read"), r.err());
    assertNothingBeside(tmp, fleet);
  }

  @Test
  void invalidUtf8IsAClearError(@TempDir Path tmp) throws IOException {
    byte[] head = HEAD.getBytes(StandardCharsets.UTF_8);
    byte[] bad = new byte[head.length + 12];
    System.arraycopy(head, 0, bad, 0, head.length);
    System.arraycopy("    A: x".getBytes(StandardCharsets.US_ASCII), 0, bad, head.length, 8);
    bad[head.length + 8] = (byte) 0xC3;
    bad[head.length + 9] = (byte) 0x28;
    bad[head.length + 10] = 'y';
    bad[head.length + 11] = '\n';
    Path fleet = fleetWith(tmp, bad);
    Run v = run("validate", fleet.resolve(CLUSTER).toString());
    assertRefused(v, fleet.resolve(CLUSTER), "is not valid UTF-8 (bad byte sequence at byte offset "
        + (head.length + 8) + ")");
    Run tree = run("validate", fleet.toString());
    assertEquals(1, tree.code(), tree.err());
    assertTrue(tree.err().contains("is not valid UTF-8"), tree.err());
    Path out = tmp.resolve("out");
    Run r = run("render", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", out.toString());
    assertRefused(r, fleet.resolve(CLUSTER), "is not valid UTF-8");
    assertNothingBeside(tmp, fleet);
  }

  /** The reproduction: a folder where the old code put a file's temporary copy. */
  @Test
  void aFolderInTheWayOfATemporaryFileNoLongerBreaksTheOutput(@TempDir Path tmp) throws IOException {
    Path fleet = copyOfExampleFleet(tmp);
    Path out = tmp.resolve("out");
    assertEquals(0, run("render", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", out.toString()).code());
    String org = "management-clusters/mc-berlin/organizations/acme/";
    Path prodEu = out.resolve(org + "workload-clusters/prod-eu");
    try (Stream<Path> s = Files.list(prodEu)) {
      for (Path f : s.toList()) {
        Files.createDirectories(f.resolveSibling("." + f.getFileName() + ".capkit-new"));
      }
    }
    deleteTree(fleet.resolve(org + "workload-clusters/staging"));
    Path prod = fleet.resolve(org + "workload-clusters/prod-eu/cluster.yaml");
    Files.writeString(prod, Files.readString(prod).replace("WORKER_MACHINE_COUNT: 6", "WORKER_MACHINE_COUNT: 7"));
    Run r = run("render", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Path fresh = tmp.resolve("fresh");
    assertEquals(0, run("render", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", fresh.toString())
        .code());
    assertSameTree(tree(fresh), tree(out));
    assertNothingBeside(tmp, fleet, fresh, out);
  }

  @Test
  void whenTheOutputCannotBeWrittenThePreviousOneStaysWhole(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    String fleet = ROOT.resolve("fleet-repo-example").toString();
    assertEquals(0, run("render", "--fleet", fleet, "--releases", RELEASES, "--out", out.toString()).code());
    SortedMap<String, byte[]> before = tree(out);
    // A folder where the lock file goes: the render cannot start writing.
    Files.createDirectories(tmp.resolve(".out.capkit-lock"));
    Run r = run("render", "--fleet", fleet, "--releases", ROOT.resolve("releases").toString(), "--out",
        out.toString());
    assertEquals(1, r.code(), r.err());
    String last = lastLine(r.err());
    assertTrue(last.startsWith(out + ": cannot be written (") && last.endsWith("); the previous output is unchanged"),
        r.err());
    assertSameTree(before, tree(out));
  }

  @Test
  void aWriteFailingHalfwayLeavesThePreviousOutputWhole(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    String fleet = ROOT.resolve("fleet-repo-example").toString();
    assertEquals(0, run("render", "--fleet", fleet, "--releases", RELEASES, "--out", out.toString()).code());
    SortedMap<String, byte[]> before = tree(out);
    SortedMap<String, byte[]> next = new java.util.TreeMap<>();
    before.forEach((k, v) -> next.put(k, (new String(v, StandardCharsets.UTF_8) + "# changed\n")
        .getBytes(StandardCharsets.UTF_8)));
    java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
    OutputFolder failing = new OutputFolder(out, (file, bytes) -> {
      if (written.incrementAndGet() > before.size() / 2) {
        throw new IOException("No space left on device");
      }
      Files.write(file, bytes);
    });
    io.capkit.api.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.capkit.api.InvalidInputException.class, () -> failing.replace(next));
    assertEquals(out + ": cannot be written (IOException: No space left on device); the previous output is unchanged",
        e.getMessage());
    assertSameTree(before, tree(out));
    assertNothingBeside(tmp, out);
  }

  @Test
  void aRenderWhileAnotherHoldsTheOutputIsRefused(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    String fleet = ROOT.resolve("fleet-repo-example").toString();
    assertEquals(0, run("render", "--fleet", fleet, "--releases", RELEASES, "--out", out.toString()).code());
    SortedMap<String, byte[]> before = tree(out);
    Files.writeString(out.resolve("extra.yaml"), "a: 1\n");
    try (OutputLock held = OutputLock.acquire(tmp.resolve(".out.capkit-lock"), out)) {
      Run r = run("render", "--fleet", fleet, "--releases", RELEASES, "--out", out.toString());
      assertEquals(1, r.code(), r.err());
      assertEquals(out + ": another capkit render is writing this folder right now; nothing was written, run"
          + " again once it is done", lastLine(r.err()));
      assertEquals("a: 1\n", Files.readString(out.resolve("extra.yaml")), "the output was not touched");
    }
    assertEquals(0, run("render", "--fleet", fleet, "--releases", RELEASES, "--out", out.toString()).code());
    assertSameTree(before, tree(out));
    assertNothingBeside(tmp, out);
  }

  @Test
  void concurrentRendersIntoOneOutputAreRefusedNotMixed(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    String fleet = ROOT.resolve("fleet-repo-example").toString();
    Path golden = tmp.resolve("golden");
    assertEquals(0, run("render", "--fleet", fleet, "--releases", RELEASES, "--out", golden.toString()).code());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      // The 12 runs, two at a time.
      for (int round = 0; round < 6; round++) {
        List<Future<Run>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          runs.add(pool.submit(() -> run("render", "--fleet", fleet, "--releases", RELEASES, "--out",
              out.toString())));
        }
        int ok = 0;
        for (Future<Run> f : runs) {
          Run r = f.get();
          if (r.code() == 0) {
            ok++;
          } else {
            assertEquals(1, r.code(), r.err());
            assertEquals(out + ": another capkit render is writing this folder right now; nothing was written, run"
                + " again once it is done", lastLine(r.err()));
          }
        }
        assertTrue(ok >= 1, "at least one of two racing renders writes the output");
        assertSameTree(tree(golden), tree(out));
      }
    } finally {
      pool.shutdownNow();
    }
    assertNothingBeside(tmp, golden, out);
  }

  // The example fleet has a deprecated release: its warning comes first.
  private static String lastLine(String err) {
    String[] lines = err.split("\n");
    return lines[lines.length - 1];
  }

  private static Path copyOfExampleFleet(Path tmp) throws IOException {
    Path from = ROOT.resolve("fleet-repo-example");
    Path to = tmp.resolve("fleet");
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
