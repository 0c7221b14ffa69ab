package io.capkit.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hack/lib.sh's {@code apt_install_missing}, the one place every hack/ensure-*.sh script installs Debian packages
 * through. dpkg-query and apt-get are replaced by scripts on PATH that keep a package list in a file, so the test
 * sees exactly which apt-get calls the function makes without touching this machine's packages.
 */
class AptInstallMissingIT {
  private static final Path LIB = CrdSources.repoRoot().resolve("hack/lib.sh");

  @TempDir
  Path tmp;

  record Run(int exit, String stdout, String stderr, List<String> aptCalls) {}

  @Test
  void installsOnlyTheMissingPackagesAfterOneUpdate() throws Exception {
    Run run = run(List.of("libfoo"), "ok", "libfoo", "libbar", "baz-utils");
    assertEquals(0, run.exit(), run.stderr());
    assertEquals(List.of("update -q", "install -y -q --no-install-recommends libbar baz-utils"),
        run.aptCalls().stream().map(c -> c.replace("-o DPkg::Lock::Timeout=600 ", "")).toList());
    assertTrue(run.aptCalls().stream().allMatch(c -> c.startsWith("-o DPkg::Lock::Timeout=600 ")), run.aptCalls()::toString);
    assertEquals("installed=[libbar baz-utils]", run.stdout().strip());
    assertTrue(run.stderr().contains("missing: libbar baz-utils; running apt-get update"), run.stderr());
    assertTrue(run.stderr().contains("apt-get set up: libbar=1.0 baz-utils=1.0"), run.stderr());
  }

  @Test
  void nothingMissingRunsNoAptGetAtAll() throws Exception {
    Run run = run(List.of("libfoo", "libbar"), "ok", "libfoo", "libbar");
    assertEquals(0, run.exit(), run.stderr());
    assertEquals(List.of(), run.aptCalls());
    assertEquals("installed=[]", run.stdout().strip());
    assertEquals("", run.stderr());
  }

  @Test
  void aFailedInstallExitsOneWithAptGetsOwnWordsAndThePackageNames() throws Exception {
    Run run = run(List.of(), "fail", "no-such-package");
    assertEquals(1, run.exit(), run.stderr());
    assertTrue(run.stderr().contains("E: Unable to locate package no-such-package"), run.stderr());
    assertTrue(run.stderr().contains("ERROR: apt-get install no-such-package failed"), run.stderr());
    assertFalse(run.stdout().contains("installed="), "the caller went on after a failed install");
  }

  @Test
  void aPackageStillMissingAfterTheInstallIsAnError() throws Exception {
    Run run = run(List.of(), "lie", "ghost");
    assertEquals(1, run.exit(), run.stderr());
    assertTrue(run.stderr().contains("ERROR: ghost still not installed after apt-get install"), run.stderr());
  }

  /**
   * Sources hack/lib.sh and calls {@code apt_install_missing PACKAGES}. {@code installed} are the packages dpkg
   * knows at the start; {@code mode} is what the apt-get double does on install: ok (installs them), fail (exits
   * 100 as apt-get does for an unknown package) or lie (exits 0 and installs nothing).
   */
  private Run run(List<String> installed, String mode, String... packages) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path state = tmp.resolve("dpkg-status");
    Path calls = tmp.resolve("apt-calls");
    Files.write(state, installed);
    Files.writeString(calls, "");
    script(bin.resolve("dpkg-query"), """
        #!/bin/bash
        # dpkg-query -W -f=... PKG: "installed" when PKG is in the status file.
        pkg="${@: -1}"
        grep -qxF "$pkg" "$STATE" && printf installed || exit 1
        """);
    script(bin.resolve("apt-get"), """
        #!/bin/bash
        printf '%s\\n' "$*" >>"$CALLS"
        [[ " $* " == *" install "* ]] || exit 0
        pkgs=(); for a in "$@"; do [[ "$a" == -* || "$a" == install || "$a" == DPkg::* ]] || pkgs+=("$a"); done
        case "$MODE" in
          fail) echo "Reading package lists..."; echo "E: Unable to locate package ${pkgs[*]}"; exit 100 ;;
          lie) exit 0 ;;
        esac
        for p in "${pkgs[@]}"; do echo "$p" >>"$STATE"; echo "Setting up $p (1.0) ..."; done
        """);
    ProcessBuilder pb = new ProcessBuilder("bash", "-c",
        "set -euo pipefail; source \"$1\"; shift; apt_install_missing \"$@\"; echo \"installed=[${APT_INSTALLED[*]}]\"",
        "test", LIB.toString());
    pb.command().addAll(List.of(packages));
    pb.environment().clear();
    pb.environment().putAll(java.util.Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", tmp.toString(),
        "STATE", state.toString(), "CALLS", calls.toString(), "MODE", mode));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hung");
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8),
        Files.readAllLines(calls));
  }

  private static void script(Path path, String text) throws Exception {
    Files.writeString(path, text);
    assertTrue(path.toFile().setExecutable(true));
  }
}
