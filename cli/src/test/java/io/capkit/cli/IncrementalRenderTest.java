package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code capkit render} into an output that holds its record: after randomized edits of a real fleet folder, the
 * output (every file, the record included) equals a {@code --full} render byte for byte, and exactly the clusters
 * whose inputs changed were rendered. A missing, damaged, foreign or hostile record, or a deleted output, never gives
 * a wrong output.
 */
class IncrementalRenderTest {
  private static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));
  private static final Pattern RENDERED = Pattern.compile(
      "rendered (\\d+) clusters into .* \\(incremental: (\\d+) rendered, (\\d+) removed, (\\d+) unchanged\\)\n");
  private static final Pattern RELEASE = Pattern.compile("(?m)^  release: (\\S+)$");
  private static final List<String> RELEASES = List.of("v1.0.0", "v1.1.0", "v1.2.0");

  private Path fleet;
  private Path releases;
  private Path out;
  private int added;

  private void setUp(Path tmp, int perOrg) throws IOException {
    fleet = tmp.resolve("fleet");
    releases = tmp.resolve("releases");
    out = tmp.resolve("out");
    copy(ROOT.resolve("fleet-repo-example"), fleet);
    copy(ROOT.resolve("releases"), releases);
    // Two more management clusters of plain kvm clusters beside the example's mc-berlin (hosts, other flavors).
    for (String mc : List.of("mc-a", "mc-b")) {
      write(fleet.resolve("management-clusters/" + mc + "/defaults.yaml"), """
          apiVersion: fleet.capkit.io/v1alpha1
          kind: FleetDefaults
          variables:
            BASE_DOMAIN: %s.capkit.example
            CONTROL_PLANE_LOAD_BALANCER: external
            WORKER_MACHINE_COUNT: 2
          """.formatted(mc));
      // Organization names differ between management clusters: namespace/name is unique across the fleet.
      for (String org : List.of(mc.substring(3) + "1", mc.substring(3) + "2", mc.substring(3) + "3")) {
        write(fleet.resolve(orgDir(mc, org) + "/defaults.yaml"), """
            apiVersion: fleet.capkit.io/v1alpha1
            kind: FleetDefaults
            %svariables:
              WORKER_MACHINE_MEMORY: 8GB
            """.formatted(org.endsWith("2") ? "namespace: team-" + mc + "\n" : ""));
        for (int i = 0; i < perOrg; i++) {
          writeCluster(mc, org, "wc-" + i, 1 + i % 4, RELEASES.get(i % RELEASES.size()));
        }
      }
    }
  }

  private static String orgDir(String mc, String org) {
    return "management-clusters/" + mc + "/organizations/" + org;
  }

  private void writeCluster(String mc, String org, String name, int workers, String release) throws IOException {
    write(fleet.resolve(orgDir(mc, org) + "/workload-clusters/" + name + "/cluster.yaml"), """
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata:
          name: %s
        spec:
          release: %s
          variables:
            WORKER_MACHINE_COUNT: %d
        """.formatted(name, release, workers));
  }

  // ---- the property: randomized edits, incremental == full, and only changed clusters rendered ----

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42})
  void randomizedEditsGiveTheFullRenderByteForByteRenderingOnlyWhatChanged(long seed, @TempDir Path tmp)
      throws IOException {
    setUp(tmp, 4);
    Random random = new Random(seed);
    CapkitCommandTest.Run first = render();
    assertEquals(0, first.code(), first.err());
    assertFalse(first.out().contains("incremental"), "no record yet: a full render: " + first.out());
    assertTrue(Files.isRegularFile(out.resolve(RenderRecord.FILE)));
    for (int step = 0; step < 12; step++) {
      Map<String, String> before = inputsPerCluster();
      String what = edit(random);
      Map<String, String> after = inputsPerCluster();
      Set<String> changed = new TreeSet<>();
      after.forEach((cluster, inputs) -> {
        if (!inputs.equals(before.get(cluster))) {
          changed.add(cluster);
        }
      });
      long removed = before.keySet().stream().filter(c -> !after.containsKey(c)).count();
      SortedMap<String, byte[]> previous = CapkitCommandTest.tree(out);

      CapkitCommandTest.Run inc = render();
      Path fullOut = tmp.resolve("full-" + step);
      CapkitCommandTest.Run full = CapkitCommandTest.run("render", "--full", "--fleet", fleet.toString(),
          "--releases", releases.toString(), "--out", fullOut.toString());
      String context = "seed " + seed + " step " + step + " (" + what + ")";
      assertEquals(full.code(), inc.code(), context + ": " + inc.err() + " / " + full.err());
      assertEquals(full.err(), inc.err(), context + ": the same warnings or problems");
      if (full.code() != 0) {
        // Invalid input: nothing written, and the problems are the full render's.
        CapkitCommandTest.assertSameTree(previous, CapkitCommandTest.tree(out));
        undo.run();
        continue;
      }
      Matcher m = RENDERED.matcher(inc.out());
      assertTrue(m.matches(), context + ": " + inc.out());
      assertEquals(after.size(), Integer.parseInt(m.group(1)), context);
      assertEquals(changed.size(), Integer.parseInt(m.group(2)), context + ": rendered only " + changed);
      assertEquals(removed, Integer.parseInt(m.group(3)), context);
      CapkitCommandTest.assertSameTree(CapkitCommandTest.tree(fullOut), CapkitCommandTest.tree(out));
    }
  }

  private Runnable undo = () -> {};

  /** One random edit of the fleet or the releases; returns what it did. */
  private String edit(Random random) throws IOException {
    undo = () -> {};
    List<Path> clusters = clusterFiles();
    Path some = clusters.get(random.nextInt(clusters.size()));
    switch (random.nextInt(11)) {
      case 0, 1 -> {
        String text = Files.readString(some);
        String release = RELEASES.get(random.nextInt(RELEASES.size()));
        write(some, RELEASE.matcher(text).replaceFirst("  release: " + release)
            + "# edited " + random.nextInt(1000) + "\n");
        return "edit " + fleet.relativize(some) + " release " + release;
      }
      case 2 -> {
        String mc = random.nextBoolean() ? "mc-a" : "mc-b";
        String org = mc.substring(3) + (1 + random.nextInt(3));
        String name = "added-" + (++added);
        writeCluster(mc, org, name, 1 + random.nextInt(5), RELEASES.get(random.nextInt(RELEASES.size())));
        return "add " + mc + "/" + org + "/" + name;
      }
      case 3 -> {
        deleteTree(some.getParent());
        return "delete " + fleet.relativize(some);
      }
      case 4 -> {
        String mc = random.nextBoolean() ? "mc-a" : "mc-b";
        Path d = fleet.resolve(orgDir(mc, mc.substring(3) + (1 + random.nextInt(3))) + "/defaults.yaml");
        write(d, Files.readString(d).replaceAll("WORKER_MACHINE_MEMORY: \\S+",
            "WORKER_MACHINE_MEMORY: " + (4 + 4 * random.nextInt(4)) + "GB"));
        return "edit " + fleet.relativize(d);
      }
      case 5 -> {
        Path d = fleet.resolve("management-clusters/" + (random.nextBoolean() ? "mc-a" : "mc-b") + "/defaults.yaml");
        write(d, Files.readString(d).replaceAll("WORKER_MACHINE_COUNT: \\d+",
            "WORKER_MACHINE_COUNT: " + (1 + random.nextInt(5))));
        return "edit " + fleet.relativize(d);
      }
      case 6 -> {
        // A release's chart repository moves: its users' HelmReleases and their organizations' HelmRepositories.
        Path r = releases.resolve(RELEASES.get(random.nextInt(RELEASES.size())) + "/release.yaml");
        write(r, Files.readString(r).replaceAll("(repository: https://[^\\s]+?)(-\\d+)?\n",
            "$1-" + random.nextInt(100) + "\n"));
        return "edit " + r.getFileName() + " of " + r.getParent().getFileName();
      }
      case 7 -> {
        // Same bytes, a newer timestamp: timestamps decide nothing.
        write(some, Files.readString(some));
        Files.setLastModifiedTime(some, FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
        return "touch " + fleet.relativize(some);
      }
      case 8 -> {
        // New bytes, the old timestamp: still noticed.
        FileTime time = Files.getLastModifiedTime(some);
        write(some, Files.readString(some).replaceAll("WORKER_MACHINE_COUNT: \\d+",
            "WORKER_MACHINE_COUNT: " + (1 + random.nextInt(7))) + "# same time\n");
        Files.setLastModifiedTime(some, time);
        return "edit keeping mtime " + fleet.relativize(some);
      }
      case 9 -> {
        write(fleet.resolve("README.md"), "notes " + random.nextInt() + "\n");
        return "edit README.md";
      }
      default -> {
        // Invalid: both renders refuse it with the same problems; the output stays as it was.
        String text = Files.readString(some);
        write(some, text.replace("kind: WorkloadCluster", "kind: WorkloadCluster\nbogus: 1"));
        undo = () -> {
          try {
            write(some, text);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
        return "break " + fleet.relativize(some);
      }
    }
  }

  /**
   * Per cluster, its inputs as the test sees them (independently of capkit): its file, its management cluster's and
   * organization's defaults, its management cluster's KVMHost files and the Release file it names.
   */
  private Map<String, String> inputsPerCluster() throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (Path c : clusterFiles()) {
      String text = Files.readString(c);
      Path orgDir = c.getParent().getParent().getParent();
      Path mcDir = orgDir.getParent().getParent();
      Matcher r = RELEASE.matcher(text);
      StringBuilder b = new StringBuilder(text);
      for (Path p : List.of(orgDir.resolve("defaults.yaml"), mcDir.resolve("defaults.yaml"),
          releases.resolve((r.find() ? r.group(1) : "none") + "/release.yaml"))) {
        b.append('\0').append(Files.exists(p) ? Files.readString(p) : "absent");
      }
      Path hosts = mcDir.resolve("hosts");
      if (Files.isDirectory(hosts)) {
        try (Stream<Path> s = Files.list(hosts)) {
          for (Path h : s.sorted().toList()) {
            b.append('\0').append(h.getFileName()).append(Files.readString(h));
          }
        }
      }
      m.put(fleet.relativize(c).toString(), b.toString());
    }
    return m;
  }

  // ---- records that cannot be trusted: always a full render, never a wrong output or a crash ----

  @Test
  void aDamagedForeignOrHostileRecordMeansAFullRender(@TempDir Path tmp) throws IOException {
    setUp(tmp, 2);
    assertEquals(0, render().code());
    Path recordFile = out.resolve(RenderRecord.FILE);
    byte[] good = Files.readAllBytes(recordFile);
    String text = new String(good, StandardCharsets.UTF_8);
    String body = text.substring(0, text.lastIndexOf("end\t"));
    Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
    bad.put("truncated", java.util.Arrays.copyOf(good, good.length / 2));
    byte[] flipped = good.clone();
    flipped[good.length / 3] ^= 1;
    bad.put("one bit flipped", flipped);
    bad.put("empty", new byte[0]);
    bad.put("binary garbage", new byte[] {0, (byte) 0xff, 10, 13, 9});
    bad.put("another format version", sealed(body.replace("capkit-render-record\t1", "capkit-render-record\t2")));
    bad.put("another capkit build", sealed(body.replaceFirst("build\t[0-9a-f]{32}", "build\t" + "0".repeat(32))));
    bad.put("a path leaving the tree", sealed(body + "file\t../../etc/passwd\t10\n"));
    bad.put("a cluster name that is no DNS label", sealed(body.replaceFirst("\tmc-a\ta1\twc-0\t", "\tmc-a\ta1\t..\t")));
    bad.put("an unknown line", sealed(body + "exec\trm -rf /\n"));
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      // Each case starts from a correct output whose cluster file then changed: only a full render gets it right.
      assertEquals(0, render().code());
      Path cluster = fleet.resolve(orgDir("mc-a", "a1") + "/workload-clusters/wc-0/cluster.yaml");
      write(cluster, Files.readString(cluster).replaceAll("WORKER_MACHINE_COUNT: \\d+",
          "WORKER_MACHINE_COUNT: " + (5 + e.getKey().length() % 3)) + "# " + e.getKey() + "\n");
      Files.write(recordFile, e.getValue());
      CapkitCommandTest.Run r = render();
      assertEquals(0, r.code(), e.getKey() + ": " + r.err());
      assertFalse(r.out().contains("incremental"), e.getKey() + ": a full render, got " + r.out());
      assertEqualsFullRender(tmp, e.getKey());
    }
    // A record that is a symbolic link, or a folder, is not read either.
    Files.delete(recordFile);
    Files.createSymbolicLink(recordFile, tmp.resolve("elsewhere"));
    Files.write(tmp.resolve("elsewhere"), good);
    CapkitCommandTest.Run r = render();
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("incremental"), r.out());
    assertFalse(Files.isSymbolicLink(recordFile), "the full render wrote a real record");
  }

  private static byte[] sealed(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return (body + "end\t" + RenderRecord.check(b) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void inputsAFullRenderRefusesAreRefusedTheSameWay(@TempDir Path tmp) throws IOException {
    setUp(tmp, 1);
    assertEquals(0, render().code());
    SortedMap<String, byte[]> before = CapkitCommandTest.tree(out);
    Path link = fleet.resolve(orgDir("mc-a", "a1") + "/workload-clusters/linked/cluster.yaml");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, fleet.resolve(orgDir("mc-a", "a1") + "/workload-clusters/wc-0/cluster.yaml"));
    Path stray = fleet.resolve("management-clusters/mc-b/notes.txt");
    Files.writeString(stray, "outside the layout\n");
    CapkitCommandTest.Run inc = render();
    CapkitCommandTest.Run full = CapkitCommandTest.run("render", "--full", "--fleet", fleet.toString(), "--releases",
        releases.toString(), "--out", tmp.resolve("full").toString());
    assertEquals(1, inc.code());
    assertEquals(full.err(), inc.err());
    assertTrue(inc.err().contains("is a symbolic link"), inc.err());
    CapkitCommandTest.assertSameTree(before, CapkitCommandTest.tree(out));
    Files.delete(link);
    CapkitCommandTest.Run layout = render();
    assertEquals(1, layout.code());
    assertTrue(layout.err().contains("notes.txt: is outside the fleet layout"), layout.err());
    CapkitCommandTest.assertSameTree(before, CapkitCommandTest.tree(out));
  }

  @Test
  void aRecordFromAnotherBuildOrOtherOptionsIsNotUsed(@TempDir Path tmp) throws IOException {
    setUp(tmp, 1);
    assertEquals(0, render().code());
    IncrementalRender same = new IncrementalRender(out, fleet, fleet.toString(), releases, releases.toString(),
        BuildIdentity.current());
    assertNotNull(same.run(), "the build that wrote the record uses it");
    assertNull(new IncrementalRender(out, fleet, fleet.toString(), releases, releases.toString(), "f".repeat(32)).run(),
        "a new capkit renders everything");
    assertNull(new IncrementalRender(out, fleet, "other-label", releases, releases.toString(),
        BuildIdentity.current()).run(), "other options (the labels messages use) render everything");
  }

  @Test
  void aChangedClusterSeenDuringTheScanIsRenderedThenAndThatRenderUsedOnlyWhenItReadWhatAPartialRenderReads(
      @TempDir Path tmp) throws IOException {
    setUp(tmp, 3);
    assertEquals(0, render().code());
    IncrementalRender none = incremental();
    assertEquals(0, none.run().rendered());
    assertFalse(none.speculationStarted(), "nothing changed: no renderer started");

    Path a = fleet.resolve(orgDir("mc-a", "a1") + "/workload-clusters/wc-1/cluster.yaml");
    Path b = fleet.resolve(orgDir("mc-b", "b2") + "/workload-clusters/wc-2/cluster.yaml");
    write(a, Files.readString(a).replace("WORKER_MACHINE_COUNT: 2", "WORKER_MACHINE_COUNT: 5"));
    IncrementalRender one = incremental();
    assertEquals(1, one.run().rendered());
    assertTrue(one.speculationStarted() && one.speculationUsed(), "one edit: rendered while the scan ran");
    assertEqualsFullRender(tmp, "one cluster edited");

    // Each of these renders more, or other files, than the one cluster seen first: that render is not used.
    write(a, Files.readString(a) + "# again\n");
    write(b, Files.readString(b) + "# too\n");
    IncrementalRender two = incremental();
    assertEquals(2, two.run().rendered());
    assertTrue(two.speculationStarted());
    assertFalse(two.speculationUsed(), "two clusters changed");
    assertEqualsFullRender(tmp, "two clusters edited");

    write(a, Files.readString(a) + "# once more\n");
    Path defaults = fleet.resolve(orgDir("mc-a", "a1") + "/defaults.yaml");
    write(defaults, Files.readString(defaults).replace("WORKER_MACHINE_MEMORY: 8GB", "WORKER_MACHINE_MEMORY: 16GB"));
    IncrementalRender org = incremental();
    assertEquals(3, org.run().rendered(), "the organization's three clusters");
    assertFalse(org.speculationUsed(), "a cluster and its organization's defaults changed");
    assertEqualsFullRender(tmp, "a cluster and its defaults edited");

    // A file beside a cluster file, listed on the same level after that cluster was seen: outside the fleet layout,
    // which only a full render reports; the render started during the scan never saw it and is not used.
    write(b, Files.readString(b) + "# beside a new file\n");
    write(b.resolveSibling("notes.txt"), "not a cluster file\n");
    IncrementalRender beside = incremental();
    assertNull(beside.run(), "a full render reports the file outside the layout");
    assertTrue(beside.speculationStarted());
    assertFalse(beside.speculationUsed(), "a file the render started during the scan had not seen");
    Files.delete(b.resolveSibling("notes.txt"));
    IncrementalRender after = incremental();
    assertEquals(1, after.run().rendered());
    assertTrue(after.speculationUsed());
    assertEqualsFullRender(tmp, "the file beside removed");
  }

  private IncrementalRender incremental() {
    return new IncrementalRender(out, fleet, fleet.toString(), releases, releases.toString(),
        BuildIdentity.current());
  }

  @Test
  void deletedOrAlteredOutputFilesAreRenderedAgain(@TempDir Path tmp) throws IOException {
    setUp(tmp, 2);
    assertEquals(0, render().code());
    String wc = orgDir("mc-b", "b3") + "/workload-clusters/wc-1";
    Files.delete(out.resolve(wc + "/manifests.yaml"));
    Files.delete(out.resolve(orgDir("mc-a", "a2") + "/workload-clusters/wc-0/kustomization.yaml"));
    // Truncated: another size than recorded.
    Path third = out.resolve(orgDir("mc-a", "a1") + "/workload-clusters/wc-1/manifests.yaml");
    Files.write(third, java.util.Arrays.copyOf(Files.readAllBytes(third), 10));
    Files.delete(out.resolve(orgDir("mc-b", "b1") + "/helm-repositories.yaml"));
    Files.delete(out.resolve("management-clusters/mc-b/kustomization.yaml"));
    CapkitCommandTest.Run r = render();
    assertEquals(0, r.code(), r.err());
    Matcher m = RENDERED.matcher(r.out());
    assertTrue(m.matches(), r.out());
    assertEquals(3, Integer.parseInt(m.group(2)), "the three clusters whose output is gone or altered: " + r.out());
    assertEqualsFullRender(tmp, "after deleting outputs");
  }

  @Test
  void anEditKeepingNamespaceAndReleaseRewritesOnlyThatClustersManifestsAndTheRecord(@TempDir Path tmp)
      throws IOException {
    setUp(tmp, 2);
    assertEquals(0, render().code());
    ageOutput();
    Map<String, Object> keys = fileKeys();
    String wc = orgDir("mc-a", "a2") + "/workload-clusters/wc-1";
    Path cluster = fleet.resolve(wc + "/cluster.yaml");
    write(cluster, Files.readString(cluster).replaceAll("WORKER_MACHINE_COUNT: \\d+", "WORKER_MACHINE_COUNT: 7"));
    CapkitCommandTest.Run r = render();
    assertEquals(0, r.code(), r.err());
    Matcher m = RENDERED.matcher(r.out());
    assertTrue(m.matches(), r.out());
    assertEquals("1", m.group(2), r.out());
    Map<String, Object> after = fileKeys();
    assertEquals(keys.keySet(), after.keySet());
    Set<String> rewritten = new TreeSet<>();
    keys.forEach((p, k) -> {
      if (!k.equals(after.get(p))) {
        rewritten.add(p);
      }
    });
    assertEquals(new TreeSet<>(List.of(RenderRecord.FILE, wc + "/manifests.yaml")), rewritten,
        "no file above the clusters, and no other cluster's, was written");
    assertEqualsFullRender(tmp, "after an edit keeping namespace and release");

    // Outputs of other clusters gone or cut short, files above the clusters intact: those clusters are written again.
    Files.delete(out.resolve(orgDir("mc-b", "b1") + "/workload-clusters/wc-0/kustomization.yaml"));
    Path cut = out.resolve(orgDir("mc-b", "b3") + "/workload-clusters/wc-1/manifests.yaml");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(cut), 20));
    write(cluster, Files.readString(cluster).replaceAll("WORKER_MACHINE_COUNT: \\d+", "WORKER_MACHINE_COUNT: 5"));
    r = render();
    assertEquals(0, r.code(), r.err());
    m = RENDERED.matcher(r.out());
    assertTrue(m.matches(), r.out());
    assertEquals("3", m.group(2), r.out());
    assertEqualsFullRender(tmp, "after an edit and two damaged cluster outputs");

    // Moving the cluster to another Release changes its organization's HelmRepositories: written as well.
    String text = Files.readString(cluster);
    String release = RELEASE.matcher(text).results().findFirst().orElseThrow().group(1);
    String other = RELEASES.get((RELEASES.indexOf(release) + 1) % RELEASES.size());
    write(cluster, RELEASE.matcher(text).replaceFirst("  release: " + other));
    r = render();
    assertEquals(0, r.code(), r.err());
    assertTrue(RENDERED.matcher(r.out()).matches(), r.out());
    assertEqualsFullRender(tmp, "after moving a cluster to release " + other);
  }

  // Dates every output file back to 2001 (a file written later has a new time; inode numbers get reused).
  private void ageOutput() throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_000_000L));
      }
    }
  }

  private Map<String, Object> fileKeys() throws IOException {
    Map<String, Object> keys = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        keys.put(out.relativize(p).toString(), Files.getLastModifiedTime(p));
      }
    }
    return keys;
  }

  @Test
  void aFallbackToAFullRenderKeepsTheLockFromTheAttemptToTheSwap(@TempDir Path tmp) throws Exception {
    setUp(tmp, 1);
    assertEquals(0, render().code());
    Path recordFile = out.resolve(RenderRecord.FILE);
    String[] args = {"render", "--fleet", fleet.toString(), "--releases", releases.toString(), "--out",
        out.toString()};
    java.io.StringWriter o = new java.io.StringWriter();
    java.io.StringWriter e = new java.io.StringWriter();
    java.io.PrintWriter po = new java.io.PrintWriter(o);
    java.io.PrintWriter pe = new java.io.PrintWriter(e);
    Path lockFile = OutputFolder.lockFile(out);
    try {
      Files.write(recordFile, new byte[] {1, 2, 3}); // damaged: only a full render will do
      assertNull(RenderCommand.withoutPicocli(po, pe, args), "the attempt hands over to a full render");
      // The attempt still holds the lock: no other render can start before the full render has swapped its output.
      assertTrue(Files.exists(lockFile));
      assertThrows(io.capkit.api.InvalidInputException.class, () -> OutputLock.acquire(lockFile, out).close());
      assertEquals(0, Capkit.commandLine(po, pe).execute(args), e.toString());
      assertFalse(o.toString().contains("incremental"), o.toString());
      assertFalse(Files.exists(lockFile), "released after the swap");
      assertEqualsFullRender(tmp, "after a fallback under one lock");

      // A hand-over nobody takes (the regular path failed first) is released.
      Files.write(recordFile, new byte[] {1, 2, 3});
      assertNull(RenderCommand.withoutPicocli(po, pe, args));
      assertTrue(Files.exists(lockFile));
    } finally {
      RenderCommand.releaseHandoff();
    }
    assertFalse(Files.exists(lockFile));
    OutputLock.acquire(lockFile, out).close();
    // Through the whole command: the same full render, and no lock left behind.
    CapkitCommandTest.Run r = render();
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("incremental"), r.out());
    assertFalse(Files.exists(lockFile));
    assertEqualsFullRender(tmp, "after a fallback through Capkit.run");
  }

  @Test
  void nothingChangedRendersNothingAndReplaysTheWarnings(@TempDir Path tmp) throws IOException {
    setUp(tmp, 3);
    CapkitCommandTest.Run full = render();
    assertEquals(0, full.code(), full.err());
    assertTrue(full.err().contains("is deprecated"), "v1.0.0 is deprecated: " + full.err());
    SortedMap<String, byte[]> before = CapkitCommandTest.tree(out);
    Map<String, FileTime> times = new HashMap<>();
    for (String p : before.keySet()) {
      times.put(p, Files.getLastModifiedTime(out.resolve(p)));
    }
    CapkitCommandTest.Run again;
    // As the run that trains bin/capkit's archive: it also renders a cluster in memory, and still writes nothing.
    System.setProperty(IncrementalRender.TRAINING, "true");
    try {
      again = render();
    } finally {
      System.clearProperty(IncrementalRender.TRAINING);
    }
    assertEquals(0, again.code(), again.err());
    assertEquals(full.err(), again.err(), "the same warnings, in the same order");
    Matcher m = RENDERED.matcher(again.out());
    assertTrue(m.matches(), again.out());
    assertEquals("0", m.group(2));
    CapkitCommandTest.assertSameTree(before, CapkitCommandTest.tree(out));
    for (String p : before.keySet()) {
      assertEquals(times.get(p), Files.getLastModifiedTime(out.resolve(p)), p + " was not rewritten");
    }
  }

  @Test
  void fullRendersEverythingAndCheckIgnoresTheRecord(@TempDir Path tmp) throws IOException {
    setUp(tmp, 1);
    assertEquals(0, render().code());
    CapkitCommandTest.Run full = CapkitCommandTest.run("render", "--full", "--fleet", fleet.toString(), "--releases",
        releases.toString(), "--out", out.toString());
    assertEquals(0, full.code(), full.err());
    assertFalse(full.out().contains("incremental"), full.out());
    CapkitCommandTest.Run check = CapkitCommandTest.run("render", "--check", "--fleet", fleet.toString(),
        "--releases", releases.toString(), "--out", out.toString());
    assertEquals(0, check.code(), "the record is not an extra file: " + check.err());
    // --cluster writes one cluster's output, without a record: the next render is a full one.
    CapkitCommandTest.Run one = CapkitCommandTest.run("render", "--cluster", "org-a1/wc-0", "--fleet",
        fleet.toString(), "--releases", releases.toString(), "--out", out.toString());
    assertEquals(0, one.code(), one.err());
    assertFalse(Files.exists(out.resolve(RenderRecord.FILE)));
    CapkitCommandTest.Run next = render();
    assertEquals(0, next.code(), next.err());
    assertFalse(next.out().contains("incremental"), next.out());
    assertEqualsFullRender(tmp, "after --cluster");
  }

  @Test
  void anEditMovingAClusterIntoAnotherOrganizationsNamespaceIsRefusedAsAFullRenderRefusesIt(@TempDir Path tmp)
      throws IOException {
    // The fleet-wide checks (namespace/name unique, a namespace owned by one organization) see every cluster, the
    // unchanged ones from the record, when one edited cluster moves beside a cluster of the same name elsewhere.
    setUp(tmp, 1);
    assertEquals(0, render().code());
    SortedMap<String, byte[]> before = CapkitCommandTest.tree(out);
    Path cluster = fleet.resolve(orgDir("mc-a", "a1") + "/workload-clusters/wc-0/cluster.yaml");
    write(cluster, Files.readString(cluster).replace("  name: wc-0\n", "  name: wc-0\n  namespace: team-mc-a\n"));
    CapkitCommandTest.Run inc = render();
    CapkitCommandTest.Run full = CapkitCommandTest.run("render", "--full", "--fleet", fleet.toString(), "--releases",
        releases.toString(), "--out", tmp.resolve("full").toString());
    assertEquals(1, full.code(), full.err());
    assertEquals(1, inc.code(), inc.out());
    assertEquals(full.err(), inc.err());
    assertTrue(inc.err().contains("team-mc-a"), inc.err());
    CapkitCommandTest.assertSameTree(before, CapkitCommandTest.tree(out));
  }

  @Test
  void clusterFilesAreRecognisedExactlyAsTheFleetReaderDoes() {
    for (String p : List.of("management-clusters/mc/organizations/o/workload-clusters/wc/cluster.yaml",
        "management-clusters/mc/organizations/o/workload-clusters/wc/cluster.yml",
        "management-clusters//organizations/o/workload-clusters/wc/cluster.yaml",
        "management-clusters/mc/organizations/o/workload-clusters/wc/x/cluster.yaml",
        "management-clusters/mc/organizations/o/workload-clusters//cluster.yaml",
        "management-clusters/mc/organizations/o/defaults.yaml", "management-clusters/mc/defaults.yaml",
        "x/management-clusters/mc/organizations/o/workload-clusters/wc/cluster.yaml",
        "management-clusters/mc/organizationsX/o/workload-clusters/wc/cluster.yaml",
        "management-clusters/mc/organizations/o/workload-clusters/wc/cluster.yamlx", "cluster.yaml")) {
      assertEquals(io.capkit.renderer.FleetReader.CLUSTER.matcher(p).matches(), IncrementalRender.isClusterFile(p), p);
      String out = p.replace("cluster.yaml", "manifests.yaml");
      assertEquals(io.capkit.renderer.FleetReader.CLUSTER.matcher(p.replace("manifests.yaml", "cluster.yaml"))
          .matches() && out.endsWith("/manifests.yaml"), IncrementalRender.isClusterOutput(out), out);
    }
  }

  @Test
  void theRecordRoundTripsAndRefusesWhatItDidNotWrite() {
    RenderRecord.Cluster c = new RenderRecord.Cluster("mc", "org", "wc", "0".repeat(32), "1".repeat(32), "v1.0.0",
        "ns", 42, List.of("tab\there, newline\nthere, backslash \\ and ünïcode"));
    RenderRecord r = new RenderRecord("a".repeat(32), "b".repeat(32), new TreeMap<>(Map.of("fleet/x.md", "-")),
        new TreeMap<>(Map.of("mc/org", new RenderRecord.Org("mc", "org", "ns", -1))),
        new java.util.LinkedHashMap<>(Map.of(c.path(), c)), new TreeMap<>(Map.of("kustomization.yaml", 7L)));
    byte[] bytes = r.format();
    assertEquals(r, RenderRecord.parse(bytes));
    assertArrayEquals(bytes, RenderRecord.parse(bytes).format());
    String text = new String(bytes, StandardCharsets.UTF_8);
    // A cluster in an organization the record does not list, and clusters out of order, are refused.
    String body = text.substring(0, text.lastIndexOf("end\t"));
    assertNull(RenderRecord.parse(sealed(body.replaceFirst("org\tmc\torg\tns\t-1\n", ""))));
    assertNull(RenderRecord.parse(sealed(body + "cluster\tmc\torg\taa\t" + "0".repeat(32) + "\t" + "1".repeat(32)
        + "\tv1\tns\t1\n")));
    // A warning that belongs to no cluster line, a line with a field too many, a record of the header alone.
    assertNull(RenderRecord.parse(sealed(body + "warning\tstray\n")));
    assertNull(RenderRecord.parse(sealed(body.replace("file\tkustomization.yaml\t7\n",
        "file\tkustomization.yaml\t7\t8\t9\t10\t11\t12\t13\t14\n"))));
    assertNull(RenderRecord.parse(sealed(RenderRecord.VERSION + "\n")));
    assertNull(RenderRecord.parse(sealed(body.replace("build\t", "build\tx\t"))));
  }

  @Test
  void everyClusterLineIsCheckedNotOnlyTheFirstOfARun() {
    // The parser takes a cluster line's management cluster, organization, Release and namespace from the line before
    // when their bytes are equal (checked once): a value that differs on a later line is checked again.
    RenderRecord.Cluster a = new RenderRecord.Cluster("mc", "org", "a", "0".repeat(32), "1".repeat(32), "v1.0.0",
        "ns", 42, List.of());
    RenderRecord.Cluster b = new RenderRecord.Cluster("mc", "org", "b", "2".repeat(32), "1".repeat(32), "v1.0.0",
        "ns", 43, List.of("w"));
    java.util.LinkedHashMap<String, RenderRecord.Cluster> clusters = new java.util.LinkedHashMap<>();
    clusters.put(a.path(), a);
    clusters.put(b.path(), b);
    RenderRecord r = new RenderRecord("a".repeat(32), "b".repeat(32), new TreeMap<>(),
        new TreeMap<>(Map.of("mc/org", new RenderRecord.Org("mc", "org", "ns", -1))), clusters,
        new TreeMap<>(Map.of("kustomization.yaml", 7L)));
    byte[] bytes = r.format();
    assertEquals(r, RenderRecord.parse(bytes));
    String text = new String(bytes, StandardCharsets.UTF_8);
    String body = text.substring(0, text.lastIndexOf("end\t"));
    String second = "cluster\tmc\torg\tb\t" + "2".repeat(32) + "\t" + "1".repeat(32) + "\tv1.0.0\tns\t43\n";
    assertTrue(body.contains(second));
    for (String bad : List.of(second.replace("\tns\t", "\tNS_bad\t"), second.replace("v1.0.0", "v1 .0"),
        second.replace("\torg\t", "\tother\t"), second.replace("\tmc\t", "\t-mc\t"),
        second.replace("\t43\n", "\t043\n"))) {
      assertNull(RenderRecord.parse(sealed(body.replace(second, bad))), bad);
    }
  }

  private void assertEqualsFullRender(Path tmp, String context) throws IOException {
    Path fullOut = tmp.resolve("full-" + Math.abs(context.hashCode()));
    deleteTree(fullOut);
    CapkitCommandTest.Run full = CapkitCommandTest.run("render", "--full", "--fleet", fleet.toString(), "--releases",
        releases.toString(), "--out", fullOut.toString());
    assertEquals(0, full.code(), full.err());
    SortedMap<String, byte[]> expected = CapkitCommandTest.tree(fullOut);
    SortedMap<String, byte[]> actual = CapkitCommandTest.tree(out);
    assertEquals(expected.keySet(), actual.keySet(), context);
    expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), context + ": " + k));
  }

  private CapkitCommandTest.Run render() {
    return CapkitCommandTest.run("render", "--fleet", fleet.toString(), "--releases", releases.toString(), "--out",
        out.toString());
  }

  private List<Path> clusterFiles() throws IOException {
    try (Stream<Path> s = Files.walk(fleet)) {
      return s.filter(p -> p.getFileName().toString().equals("cluster.yaml")).sorted().toList();
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
