package io.capkit.gitops.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/** Real repositories on disk: a bare "remote" and clones of it, written through JGit. */
public final class GitFixture {
  private GitFixture() {}

  /**
   * A bare repository that runs no automatic garbage collection after a push: JGit's receive-pack would otherwise start
   * one on a background thread, which writes and removes {@code gc.log.lock} while a test may be deleting the folder.
   */
  public static Git bareRemote(Path dir) throws GitAPIException {
    Git git = Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call();
    git.getRepository().getConfig().setBoolean("receive", null, "autogc", false);
    git.getRepository().getConfig().setInt("gc", null, "auto", 0);
    try {
      git.getRepository().getConfig().save();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return git;
  }

  public static Git cloneOf(Path remote, Path dir) throws GitAPIException {
    Git git = Git.cloneRepository().setURI(remote.toUri().toString()).setDirectory(dir.toFile()).call();
    git.getRepository().getConfig().setString("user", null, "name", "Test Person");
    git.getRepository().getConfig().setString("user", null, "email", "test@example.com");
    try {
      git.getRepository().getConfig().save();
      if (git.getRepository().resolve("HEAD") == null) {
        // A clone of an empty repository starts on "master"; the fixtures use "main".
        git.getRepository().updateRef("HEAD").link("refs/heads/main");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return git;
  }

  /** Writes the files into the work tree, commits them all and returns the commit. */
  public static RevCommit commit(Git git, String message, Map<String, String> files) {
    try {
      Path root = git.getRepository().getWorkTree().toPath();
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = root.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        if (f.getValue() == null) {
          Files.delete(p);
        } else {
          Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
      }
      git.add().addFilepattern(".").call();
      git.add().addFilepattern(".").setUpdate(true).call();
      return git.commit().setMessage(message).setAuthor("Test Person", "test@example.com")
          .setCommitter("Test Person", "test@example.com").call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void push(Git git) throws GitAPIException {
    git.push().setRemote("origin").add("main").call();
  }

  public static ObjectId ref(Repository repo, String name) throws IOException {
    return repo.exactRef(name) == null ? null : repo.exactRef(name).getObjectId();
  }

  public static String show(Repository repo, ObjectId commit, String path) throws IOException {
    try (var walk = new org.eclipse.jgit.revwalk.RevWalk(repo);
        var tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, path, walk.parseCommit(commit).getTree())) {
      return tw == null ? null
          : new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
    }
  }
}
