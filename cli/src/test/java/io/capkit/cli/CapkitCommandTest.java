package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capkit command run in-process: exit codes, stdout, stderr and the files it writes. */
class CapkitCommandTest {
  private static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));
  private static final String FLEET = ROOT.resolve("fleet-repo-example").toString();
  private static final String RELEASES = ROOT.resolve("releases").toString();
  private static final Path GOLDEN = ROOT.resolve("renderer/src/test/resources/golden/example-fleet");

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Capkit.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  static SortedMap<String, byte[]> tree(Path dir) throws IOException {
    SortedMap<String, byte[]> m = new TreeMap<>();
    if (!Files.exists(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }

  static void assertSameTree(SortedMap<String, byte[]> expected, SortedMap<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
  }

  @Test
  void diffAndPromoteSpellTheFoldersAsRenderDoesAndKeepTheOldSpellingAsADeprecatedAlias(@TempDir Path tmp) {
    for (String command : List.of("diff", "promote")) {
      List<String> extra = command.equals("promote") ? List.of("--release", "v1.2.0", "--select", "org=acme")
          : List.of("--from", "HEAD~1");
      List<String> now = new java.util.ArrayList<>(List.of(command, "--git", tmp.toString(), "--fleet", "fleet",
          "--releases", "releases"));
      now.addAll(extra);
      Run current = run(now.toArray(String[]::new));
      assertTrue(current.code() != 2, command + " takes --fleet/--releases: " + current.err());
      assertTrue(!current.err().contains("deprecated"), current.err());
      List<String> old = new java.util.ArrayList<>(List.of(command, "--git", tmp.toString(), "--fleet-path", "fleet",
          "--releases-path", "releases"));
      old.addAll(extra);
      Run aliased = run(old.toArray(String[]::new));
      assertTrue(aliased.code() != 2, command + " still takes --fleet-path/--releases-path: " + aliased.err());
      assertTrue(aliased.err().contains("warning: --fleet-path is deprecated; use --fleet"), aliased.err());
      assertTrue(aliased.err().contains("warning: --releases-path is deprecated; use --releases"), aliased.err());
    }
  }

  @Test
  void renderWritesTheGoldenTreeAndWarnsAboutDeprecatedReleases(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    Run r = run("render", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("rendered 8 clusters into " + out + "\n", r.out());
    assertTrue(r.err().startsWith("warning: ") && r.err().contains("release v1.0.0 is deprecated"), r.err());
    assertTrue(Files.isRegularFile(out.resolve(RenderRecord.FILE)), "the record of the render, beside the manifests");
    assertSameTree(tree(GOLDEN), manifests(out));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(out), s.toList(), "no temporary folders left behind");
    }
    // A second run replaces the tree in place.
    Files.writeString(out.resolve("leftover.yaml"), "a: 1\n");
    assertEquals(0, run("render", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString()).code());
    assertSameTree(tree(GOLDEN), manifests(out));
  }

  /** The output without the render's record ({@link RenderRecord#FILE}): what the golden files hold. */
  static SortedMap<String, byte[]> manifests(Path dir) throws IOException {
    SortedMap<String, byte[]> m = tree(dir);
    m.remove(RenderRecord.FILE);
    return m;
  }

  @Test
  void checkReportsStaleMissingAndExtraFiles(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    assertEquals(0, run("render", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString()).code());
    Run fresh = run("render", "--check", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString());
    assertEquals(0, fresh.code(), fresh.err());
    String org = "management-clusters/mc-berlin/organizations/acme/";
    Files.writeString(out.resolve(org + "kustomization.yaml"), "changed\n");
    Files.delete(out.resolve(org + "helm-repositories.yaml"));
    Files.writeString(out.resolve("extra.yaml"), "a: 1\n");
    SortedMap<String, byte[]> before = tree(out);
    Run stale = run("render", "--check", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString());
    assertEquals(1, stale.code());
    assertTrue(stale.err().contains(out.resolve("extra.yaml") + ": extra (not produced by the rendering)\n"), stale.err());
    assertTrue(stale.err().contains(out.resolve(org + "helm-repositories.yaml") + ": missing\n"), stale.err());
    assertTrue(stale.err().contains(out.resolve(org + "kustomization.yaml") + ": stale (differs from a fresh rendering)\n"),
        stale.err());
    assertSameTree(before, tree(out));
  }

  @Test
  void invalidInputExitsOneAndWritesNothing(@TempDir Path tmp) throws IOException {
    Path fleet = tmp.resolve("fleet");
    Path wc = fleet.resolve("management-clusters/mc/organizations/o/workload-clusters/db");
    Files.createDirectories(wc);
    Files.writeString(wc.resolve("cluster.yaml"), """
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata: {name: db}
        spec:
          release: v1.3.0
          controlPlaneEndpoint: {host: db.example}
          variables: {CONTROL_PLANE_MACHINE_COUNT: 4, POD_IP_RANGE: 10.0.0.0/8, SERVICE_IP_RANGE: 10.1.0.0/16}
        """);
    Path out = tmp.resolve("out");
    Run r = run("render", "--fleet", fleet.toString(), "--releases", RELEASES, "--out", out.toString());
    assertEquals(1, r.code());
    String file = fleet.resolve("management-clusters/mc/organizations/o/workload-clusters/db/cluster.yaml").toString();
    assertEquals(file + ": spec.release: release v1.3.0 is wip and may not be used by clusters yet\n"
        + file + ": spec.variables.CONTROL_PLANE_MACHINE_COUNT: must be odd so that stacked etcd keeps quorum, got 4\n"
        + file + ": spec.variables.SERVICE_IP_RANGE: 10.1.0.0/16 overlaps POD_IP_RANGE 10.0.0.0/8\n", r.err());
    assertEquals("", r.out());
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(fleet), s.toList(), "nothing written beside --out either");
    }
  }

  @Test
  void anExistingOutputSurvivesAFailedRender(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    assertEquals(0, run("render", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString()).code());
    SortedMap<String, byte[]> before = tree(out);
    Path releases = tmp.resolve("releases/v1.1.0");
    Files.createDirectories(releases);
    Files.writeString(releases.resolve("release.yaml"), "apiVersion: release.capkit.io/v1alpha1\nkind: Release\n"
        + "metadata: {name: v1.1.0}\nspec: {state: active, date: x, components: [], bogus: 1}\n");
    Run r = run("render", "--fleet", FLEET, "--releases", tmp.resolve("releases").toString(), "--out", out.toString());
    assertEquals(1, r.code());
    assertEquals(tmp.resolve("releases") + "/v1.1.0/release.yaml: spec.bogus: unknown field\n", r.err());
    assertSameTree(before, tree(out));
  }

  @Test
  void refusesToReplaceAFolderCapkitDidNotWrite(@TempDir Path tmp) throws IOException {
    Path out = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(out.resolve("notes.txt"), "precious\n");
    Run r = run("render", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().endsWith(out + ": exists and was not written by capkit render; refusing to replace it\n"), r.err());
    assertEquals("precious\n", Files.readString(out.resolve("notes.txt")));
  }

  @Test
  void renderOneCluster(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    Run r = run("render", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString(), "--cluster", "globex/analytics");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err(), "the deprecated release of another cluster is not mentioned");
    String dir = "management-clusters/mc-berlin/organizations/globex/workload-clusters/analytics/manifests.yaml";
    assertArrayEquals(Files.readAllBytes(GOLDEN.resolve(dir)), Files.readAllBytes(out.resolve(dir)));
    assertEquals(List.of("kustomization.yaml", "management-clusters/kustomization.yaml"),
        tree(out).keySet().stream().filter(k -> !k.contains("mc-berlin")).toList());
    Run missing = run("render", "--fleet", FLEET, "--releases", RELEASES, "--out", out.toString(), "--cluster", "x/y");
    assertEquals(1, missing.code());
    assertEquals("--cluster: no cluster x/y in the fleet\n", missing.err());
  }

  @Test
  void usageErrorsExitTwo() {
    Run r = run("render", "--fleet", FLEET);
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("Missing required option: '--out=DIR'"), r.err());
    Run noReleases = run("render", "--fleet", FLEET, "--out", "unused");
    assertEquals(2, noReleases.code());
    assertTrue(noReleases.err().startsWith("Missing required option: '--releases=DIR'"), noReleases.err());
    assertEquals(2, run("frobnicate").code());
    assertEquals(2, run().code());
    assertEquals(2, run("explain", "no-slash", "--fleet", FLEET, "--releases", RELEASES).code());
  }

  @Test
  void explainShowsValuesAndTheirLayers() {
    Run r = run("explain", "org-acme/prod-eu", "--fleet", FLEET, "--releases", RELEASES);
    assertEquals(0, r.code(), r.err());
    String mcDefaults = FLEET + "/management-clusters/mc-berlin/defaults.yaml";
    assertTrue(r.out().startsWith("VARIABLE "), r.out());
    assertTrue(r.out().matches("(?s).*\\nWORKER_MACHINE_COUNT +6 +cluster \\(" + java.util.regex.Pattern.quote(FLEET)
        + "/management-clusters/mc-berlin/organizations/acme/workload-clusters/prod-eu/cluster.yaml\\)\\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*\\nCONTROL_PLANE_MACHINE_MEMORY +3815Mi +management cluster mc-berlin \\("
        + java.util.regex.Pattern.quote(mcDefaults) + "\\)\\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*\\nPOD_IP_RANGE +172\\.24\\.0\\.0/16 +contract default\\n.*"), r.out());
    assertTrue(r.out().matches("(?s).*\\nKUBERNETES_VERSION +v1\\.33\\.5 +release v1\\.1\\.0 .*"), r.out());
    Run unknown = run("explain", "org-acme/nope", "--fleet", FLEET, "--releases", RELEASES);
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().startsWith("no cluster org-acme/nope in "), unknown.err());
  }

  /** The provider's flags are picocli options like every other command's: help exits 0 and lists them. */
  @Test
  void providerRunHelpListsItsFlags() {
    Run r = run("provider", "run", "--help");
    assertEquals(0, r.code(), r.err());
    for (String flag : List.of("--libvirt-uri", "--storage-pool", "--network", "--bind-address", "--http-port",
        "--namespace", "--leader-elect", "--lease-namespace", "--reconcile-threads", "--help")) {
      assertTrue(r.out().contains(flag), flag + " missing from:\n" + r.out());
    }
    assertTrue(r.out().contains("Default: test:///default"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void providerRunRefusesBadFlagsBeforeConnecting() {
    Run unknown = run("provider", "run", "--bogus", "1");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("Unknown options: '--bogus'"), unknown.err());
    Run invalid = run("provider", "run", "--libvirt-uri", "nope", "--http-port", "70000");
    assertEquals(1, invalid.code());
    assertEquals("""
        --http-port: 70000 is not a number from 0 to 65535
        --libvirt-uri: "nope" is not a libvirt URI (e.g. qemu:///system)
        """, invalid.err());
  }
}
