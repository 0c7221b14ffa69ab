package io.capkit.gitops.git;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;

/**
 * Opens fleet repositories: a local clone (work tree or bare) as it is, a remote URL by fetching it into a
 * bare cache repository under {@code ${XDG_CACHE_HOME:-~/.cache}/capkit/git/<hash of URL>} (credentials are
 * not part of the hash). Shallow repositories are refused: diffs and promotions need real history.
 */
public final class GitRepositories {
  /** Network timeout for fetches and pushes, in seconds. */
  public static final int TIMEOUT_SECONDS = 60;

  private final Path cacheRoot;
  private final GitCredentials credentials;

  public GitRepositories(Path cacheRoot, GitCredentials credentials) {
    this.cacheRoot = cacheRoot;
    this.credentials = credentials;
  }

  /** Cache and credentials from the process environment and the user's home. */
  public static GitRepositories fromEnvironment() {
    Path home = Path.of(System.getProperty("user.home"));
    return new GitRepositories(cacheRoot(System.getenv(), home), new GitCredentials(System.getenv(), home));
  }

  /** {@code ${XDG_CACHE_HOME:-~/.cache}/capkit/git}. */
  public static Path cacheRoot(Map<String, String> env, Path home) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : home.resolve(".cache");
    return base.resolve("capkit").resolve("git");
  }

  public GitCredentials credentials() {
    return credentials;
  }

  /** The repository at {@code location}; a remote one is fetched (all branches and tags) first. */
  public Repository open(String location) {
    GitSystemConfig.install();
    GitLocation where = GitLocation.parse(location);
    return where.remote() ? fetchIntoCache(where) : openLocal(Path.of(location), location);
  }

  /** A local clone: a work tree (with {@code .git} folder or file) or a bare repository. */
  public static Repository openLocal(Path path, String where) {
    GitSystemConfig.install(); // before JGit reads any configuration: no `git` processes to find the system config
    if (!Files.isDirectory(path)) {
      throw new InvalidInputException(new Problem(where, null, "no such folder"));
    }
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
    if (Files.exists(path.resolve(Constants.DOT_GIT))) {
      builder.setWorkTree(path.toFile());
    } else {
      builder.setGitDir(path.toFile());
    }
    Repository repo;
    try {
      repo = builder.build();
    } catch (RepositoryNotFoundException | IllegalArgumentException e) {
      throw new InvalidInputException(new Problem(where, null, "not a Git repository"));
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(where, null, "cannot open the repository: "
          + GitLocation.mask(e.getMessage())));
    }
    refuseShallow(repo, where);
    return repo;
  }

  /** Refuses a shallow clone, whose history ends early. */
  public static void refuseShallow(Repository repo, String where) {
    Path shallow = repo.getDirectory().toPath().resolve("shallow");
    try {
      if (Files.isRegularFile(shallow) && Files.size(shallow) > 0) {
        repo.close();
        throw new InvalidInputException(new Problem(where, null,
            "is a shallow clone; capkit needs full history (run: git fetch --unshallow)"));
      }
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(where, null, "cannot read the repository: " + e.getMessage()));
    }
  }

  private Repository fetchIntoCache(GitLocation where) {
    Path dir = cacheRoot.resolve(where.cacheKey() + ".git");
    try {
      if (!Files.isDirectory(dir)) {
        createBare(dir);
      }
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(where.masked(), null, "cannot create the cache repository in "
          + cacheRoot + ": " + e.getMessage()));
    }
    Repository repo = openLocal(dir, where.masked());
    try (Git git = Git.wrap(repo)) {
      FetchResult result = git.fetch()
          .setRemote(where.raw())
          .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
          .setRemoveDeletedRefs(true)
          .setCredentialsProvider(credentials.forUrl(where.raw()))
          .setTimeout(TIMEOUT_SECONDS)
          .call();
      followRemoteHead(repo, result);
      return repo;
    } catch (GitAPIException | IOException | RuntimeException e) {
      repo.close();
      if (e instanceof InvalidInputException i) {
        throw i;
      }
      throw new InvalidInputException(new Problem(where.masked(), null, "cannot fetch from the remote: "
          + GitLocation.mask(rootMessage(e)) + credentials.withheld(where.raw()).map(w -> " (" + w + ")").orElse("")));
    }
  }

  // The cache's HEAD follows the remote's default branch, so "HEAD" means what it means on the remote.
  private static void followRemoteHead(Repository repo, FetchResult result) throws IOException {
    Ref head = result.getAdvertisedRef(Constants.HEAD);
    if (head != null && head.isSymbolic()) {
      RefUpdate u = repo.updateRef(Constants.HEAD);
      u.link(head.getTarget().getName());
    }
  }

  // Created beside its final place and moved in, so a crash never leaves a half-made cache repository.
  private static void createBare(Path dir) throws IOException {
    Files.createDirectories(dir.getParent());
    Path tmp = Files.createTempDirectory(dir.getParent(), ".init-");
    try {
      Git.init().setBare(true).setDirectory(tmp.toFile()).setInitialBranch("main").call().close();
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (GitAPIException e) {
      throw new IOException(e.getMessage(), e);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      // Another capkit created it first, or the file system cannot move atomically: use what is there.
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    } finally {
      deleteRecursively(tmp);
    }
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  /** The innermost message of an exception chain: JGit wraps transport errors several times. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    String message = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
