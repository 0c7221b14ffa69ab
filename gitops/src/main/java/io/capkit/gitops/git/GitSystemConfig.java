package io.capkit.gitops.git;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Where git's system-wide configuration file is, remembered between runs so that opening a repository starts no
 * process. JGit finds that file once per process by running the {@code git} on {@code PATH} twice ({@code git
 * --version}, then {@code git config --system --show-origin --list -z}): ~60 ms of a {@code capkit promote}. The path
 * is compiled into git (or follows from where a relocatable git lives), so it is remembered for the {@code git}
 * executable JGit would run (its real path, size, modification and change times, inode) and the value of
 * {@code GIT_CONFIG_SYSTEM}; any change of those, or no remembered path, lets JGit discover it again. Only a file JGit
 * found is remembered (a system config created later is still found); {@code GIT_CONFIG_NOSYSTEM} means none, as for
 * git and JGit. Elsewhere than Linux and other POSIX systems without macOS's {@code git} look-up, JGit discovers as it
 * does.
 */
public final class GitSystemConfig {
  static final String FILE = "git-system-config";
  private static final String VERSION = "capkit git-system-config 1";
  private static boolean installed;

  private GitSystemConfig() {}

  /** For this process's JGit ({@link FS#DETECTED}), from the environment, remembered under capkit's cache. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    Map<String, String> env = System.getenv();
    install(FS.DETECTED, env, GitRepositories.cacheRoot(env, Path.of(System.getProperty("user.home"))).getParent());
  }

  /**
   * Sets {@code fs}'s system config file from {@code cacheDir/git-system-config} when that was written for the same
   * {@code git} and {@code GIT_CONFIG_SYSTEM}; else lets JGit discover it on {@code fs} and remembers what it found.
   * {@code env} must be the environment JGit reads ({@link SystemReader#getenv}). Never fails: the cache is only a hint.
   */
  static void install(FS fs, Map<String, String> env, Path cacheDir) {
    SystemReader system = SystemReader.getInstance();
    if (!isEmpty(env.get("GIT_CONFIG_NOSYSTEM")) || system.isWindows() || system.isMacOS()) {
      return; // none to find; or JGit looks for git in its own way there
    }
    String key = key(env);
    if (key == null) {
      return; // no git on PATH: JGit runs nothing either
    }
    Path cache = cacheDir.resolve(FILE);
    try {
      List<String> lines = Files.readAllLines(cache, StandardCharsets.UTF_8);
      if (lines.size() == 3 && lines.get(0).equals(VERSION) && lines.get(1).equals(key) && !lines.get(2).isEmpty()) {
        fs.setGitSystemConfig(new File(lines.get(2)));
        return;
      }
    } catch (IOException | RuntimeException e) {
      // not remembered (or unreadable): discover
    }
    File found = fs.getGitSystemConfig(); // JGit's discovery: runs git
    if (found != null && !found.getPath().contains("\n") && key.equals(key(env))) {
      write(cache, VERSION + "\n" + key + "\n" + found.getPath() + "\n");
    }
  }

  // The git JGit would run (the first executable `git` on PATH, as JGit searches) and what decides its answer; null
  // without one.
  static String key(Map<String, String> env) {
    String path = env.get("PATH");
    if (isEmpty(path)) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File git = new File(dir, "git");
      if (git.isFile() && git.canExecute()) {
        try {
          Path real = git.toPath().toRealPath();
          BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
          Object inode = Files.getAttribute(real, "unix:ino");
          Object changed = Files.getAttribute(real, "unix:ctime");
          String system = env.get("GIT_CONFIG_SYSTEM");
          return String.join("\t", git.getAbsolutePath(), real.toString(), String.valueOf(a.size()),
              a.lastModifiedTime().toString(), String.valueOf(changed), String.valueOf(inode),
              system == null ? "-" : "=" + system).replace('\n', ' ');
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  // Written beside its place and moved in whole; a failure leaves the next run to discover again.
  private static void write(Path cache, String content) {
    Path tmp = null;
    try {
      Files.createDirectories(cache.getParent());
      tmp = Files.createTempFile(cache.getParent(), "." + FILE, ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      // only a hint
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // nothing more to do
        }
      }
    }
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
