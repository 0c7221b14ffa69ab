package io.capkit.gitops.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system config path JGit discovers by running git is remembered per git executable and GIT_CONFIG_SYSTEM: a
 * second run starts no process and gets the same file; a changed git, another GIT_CONFIG_SYSTEM or no file found
 * lets JGit discover again. A script named git on a private PATH logs each call and answers as git does.
 */
class GitSystemConfigTest {
  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();
  private SystemReader original;
  private Path log;
  private Path git;
  private Path cache;

  @BeforeEach
  void fakeGit() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    log = dir.resolve("calls.log");
    git = bin.resolve("git");
    writeGit("/etc/capkit-test-gitconfig");
    cache = dir.resolve("cache");
    env.put("PATH", bin + File.pathSeparator + "/usr/bin:/bin");
    original = SystemReader.getInstance();
    SystemReader.setInstance(new SystemReader.Delegate(original) {
      @Override
      public String getenv(String variable) {
        return env.get(variable);
      }
    });
  }

  @AfterEach
  void restore() {
    SystemReader.setInstance(original);
  }

  // A git whose system config is `file`, or none when `file` is empty (git config --system then fails).
  private void writeGit(String file) throws IOException {
    String answer = file.isEmpty() ? "exit 128" : "printf 'file:%s\\0a.b=c\\0' '" + file + "'";
    Files.writeString(git, "#!/bin/sh\necho \"$*\" >> '" + log + "'\n"
        + "case \"$1\" in\n  --version) echo 'git version 2.39.5' ;;\n  config) " + answer + " ;;\nesac\n");
    Files.setPosixFilePermissions(git, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private int calls() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }

  // A fresh JGit FS (no discovery cached in memory), set up as capkit does, and the system config file it then uses.
  private File install() {
    FS fs = FS.detect();
    GitSystemConfig.install(fs, env, cache);
    return fs.getGitSystemConfig();
  }

  @Test
  void secondRunStartsNoProcessAndGetsTheSameFile() throws IOException {
    assertEquals(new File("/etc/capkit-test-gitconfig"), install());
    assertEquals(2, calls(), "JGit's discovery: git --version, git config --system --show-origin --list -z");
    assertTrue(Files.isRegularFile(cache.resolve(GitSystemConfig.FILE)));
    assertEquals(new File("/etc/capkit-test-gitconfig"), install());
    assertEquals(2, calls(), "remembered: no process");
  }

  @Test
  void anotherGitOrGitConfigSystemIsDiscoveredAgain() throws IOException {
    install();
    writeGit("/opt/git/etc/gitconfig"); // a new git build: other size and times
    assertEquals(new File("/opt/git/etc/gitconfig"), install());
    assertEquals(4, calls());
    // git reads GIT_CONFIG_SYSTEM (JGit runs git with this process's environment; the script answers the same)
    env.put("GIT_CONFIG_SYSTEM", dir.resolve("system.conf").toString());
    assertEquals(new File("/opt/git/etc/gitconfig"), install());
    assertEquals(6, calls(), "another GIT_CONFIG_SYSTEM: discovered again");
    assertEquals(new File("/opt/git/etc/gitconfig"), install());
    assertEquals(6, calls());
  }

  @Test
  void noSystemConfigFoundIsNotRemembered() throws IOException {
    writeGit("");
    assertNull(install());
    assertEquals(2, calls());
    assertFalse(Files.exists(cache.resolve(GitSystemConfig.FILE)));
    assertNull(install());
    assertEquals(4, calls(), "discovered again: a system config created later is found");
  }

  @Test
  void gitConfigNoSystemRunsNothing() throws IOException {
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    FS fs = FS.detect();
    GitSystemConfig.install(fs, env, cache);
    assertEquals(0, calls());
    assertFalse(Files.exists(cache.resolve(GitSystemConfig.FILE)));
  }

  @Test
  void aCacheForAnotherGitIsNotUsed() throws IOException {
    Files.createDirectories(cache);
    Files.write(cache.resolve(GitSystemConfig.FILE), List.of("capkit git-system-config 1", "/usr/bin/git\tother",
        "/etc/not-this"));
    assertEquals(new File("/etc/capkit-test-gitconfig"), install());
    assertEquals(2, calls());
  }
}
