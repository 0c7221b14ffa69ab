package io.capkit.gitops.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.gitops.testing.GitFixture;
import io.capkit.gitops.testing.GitHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitSourceTreeIT {
  @TempDir
  Path tmp;

  private GitRepositories repositories(Map<String, String> env) {
    return new GitRepositories(tmp.resolve("cache"), new GitCredentials(env, tmp.resolve("home")));
  }

  @Test
  void listsRandomNamesInByteOrderAsATreeWalkFindsThem() throws Exception {
    java.util.Random r = new java.util.Random(18);
    List<String> parts = List.of("a", "a-", "a.", "a0", "A", "b", "é", "z", "日本", "\uD83D\uDE00", "_", "~x", "a b");
    java.util.TreeMap<String, String> files = new java.util.TreeMap<>();
    for (int i = 0; i < 300; i++) {
      int depth = 1 + r.nextInt(3);
      StringBuilder p = new StringBuilder();
      for (int d = 0; d < depth; d++) {
        p.append(d == 0 ? "" : "/").append(parts.get(r.nextInt(parts.size())));
      }
      String path = p.toString();
      // A path is a file or a folder, never both.
      if (files.keySet().stream().noneMatch(f -> f.startsWith(path + "/") || path.startsWith(f + "/"))) {
        files.put(path, "n: " + i + "\n");
      }
    }
    try (Git git = Git.init().setDirectory(tmp.resolve("names").toFile()).setInitialBranch("main").call()) {
      GitFixture.commit(git, "names", files);
      try (Repository repo = repositories(Map.of()).open(tmp.resolve("names").toString());
          GitSourceTree head = GitSourceTree.at(repo, "HEAD", "names")) {
        List<String> expected = files.keySet().stream().sorted(GitSourceTree.BYTE_ORDER).toList();
        assertEquals(expected, head.files());
        for (String f : expected) {
          assertEquals(files.get(f), new String(head.read(f).orElseThrow(), StandardCharsets.UTF_8), f);
        }
      }
    }
  }

  @Test
  void aTreeWrittenOutOfOrderIsStillListedInByteOrder() throws Exception {
    try (Git git = Git.init().setDirectory(tmp.resolve("unsorted").toFile()).setInitialBranch("main").call()) {
      Repository repo = git.getRepository();
      try (ObjectInserter ins = repo.newObjectInserter()) {
        org.eclipse.jgit.lib.TreeFormatter tree = new org.eclipse.jgit.lib.TreeFormatter();
        tree.append("b.yaml", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, "b\n".getBytes(StandardCharsets.UTF_8)));
        tree.append("a.yaml", FileMode.REGULAR_FILE, ins.insert(Constants.OBJ_BLOB, "a\n".getBytes(StandardCharsets.UTF_8)));
        CommitBuilder c = new CommitBuilder();
        c.setTreeId(ins.insert(tree));
        c.setAuthor(new PersonIdent("t", "t@example.invalid"));
        c.setCommitter(new PersonIdent("t", "t@example.invalid"));
        c.setMessage("unsorted");
        ObjectId commit = ins.insert(c);
        ins.flush();
        try (GitSourceTree t = GitSourceTree.of(repo, commit, "unsorted")) {
          assertEquals(List.of("a.yaml", "b.yaml"), t.files());
          assertEquals("a\n", new String(t.read("a.yaml").orElseThrow(), StandardCharsets.UTF_8));
        }
      }
    }
  }

  @Test
  void readsACommitWithoutCheckoutInByteOrder() throws Exception {
    try (Git git = Git.init().setDirectory(tmp.resolve("repo").toFile()).setInitialBranch("main").call()) {
      GitFixture.commit(git, "one", Map.of("z/x.yaml", "x: 1\n", "a.yaml", "a: 1\n", "B.yaml", "b\n",
          "a-b/c", "c\n", "a/b", "ab\n"));
      GitFixture.commit(git, "two", Map.of("a.yaml", "a: 2\n"));
      // The work tree differs from both commits: reading must not look at it.
      Files.writeString(tmp.resolve("repo/a.yaml"), "dirty\n");
      try (Repository repo = repositories(Map.of()).open(tmp.resolve("repo").toString());
          GitSourceTree head = GitSourceTree.at(repo, "HEAD", "repo");
          GitSourceTree first = GitSourceTree.at(repo, "main~1", "repo")) {
        assertEquals(List.of("B.yaml", "a-b/c", "a.yaml", "a/b", "z/x.yaml"), head.files());
        assertEquals("a: 2\n", new String(head.read("a.yaml").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals("a: 1\n", new String(first.read("a.yaml").orElseThrow(), StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), head.read("nope.yaml"));
        assertTrue(head.describe().startsWith("repo@"), head.describe());
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> GitSourceTree.at(repo, "no-such-branch", "repo"));
        assertEquals("repo: ref \"no-such-branch\" not found", e.getMessage());
      }
    }
  }

  @Test
  void refusesSymlinksSubmodulesAndOversizedFiles() throws Exception {
    try (Git git = Git.init().setDirectory(tmp.resolve("repo").toFile()).setInitialBranch("main").call()) {
      Repository repo = git.getRepository();
      try (ObjectInserter ins = repo.newObjectInserter()) {
        ObjectId blob = ins.insert(Constants.OBJ_BLOB, "x: 1\n".getBytes(StandardCharsets.UTF_8));
        ObjectId target = ins.insert(Constants.OBJ_BLOB, "x.yaml".getBytes(StandardCharsets.UTF_8));
        ObjectId big = ins.insert(Constants.OBJ_BLOB, new byte[(int) GitSourceTree.MAX_FILE_BYTES + 1]);
        commitTree(repo, ins, "bad", Map.of("x.yaml", entry(FileMode.REGULAR_FILE, blob),
            "link.yaml", entry(FileMode.SYMLINK, target), "vendor/lib", entry(FileMode.GITLINK, blob)));
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> GitSourceTree.at(repo, "main", "repo"));
        assertEquals("repo: link.yaml: is a symbolic link; capkit reads regular files only\n"
            + "repo: vendor/lib: is a submodule; capkit reads one repository, without submodules", e.getMessage());
        commitTree(repo, ins, "big", Map.of("big.yaml", entry(FileMode.REGULAR_FILE, big)));
        try (GitSourceTree tree = GitSourceTree.at(repo, "main", "repo")) {
          InvalidInputException tooBig = assertThrows(InvalidInputException.class, () -> tree.read("big.yaml"));
          assertTrue(tooBig.getMessage().contains("big.yaml: file is 3145729 bytes, over the limit"),
              tooBig.getMessage());
        }
      }
    }
  }

  @Test
  void fetchesFileRemotesIntoTheCacheAndFollowsNewCommits() throws Exception {
    Path remote = tmp.resolve("remote.git");
    GitFixture.bareRemote(remote).close();
    try (Git seed = GitFixture.cloneOf(remote, tmp.resolve("seed"))) {
      GitFixture.commit(seed, "one", Map.of("a.yaml", "a: 1\n"));
      GitFixture.push(seed);
      String url = remote.toUri().toString();
      GitRepositories repos = repositories(Map.of());
      try (Repository cached = repos.open(url); GitSourceTree t = GitSourceTree.at(cached, "HEAD", url)) {
        assertTrue(cached.isBare());
        assertTrue(cached.getDirectory().toPath().startsWith(tmp.resolve("cache")));
        assertEquals(List.of("a.yaml"), t.files());
      }
      GitFixture.commit(seed, "two", Map.of("b.yaml", "b: 1\n"));
      GitFixture.push(seed);
      try (Repository cached = repos.open(url); GitSourceTree t = GitSourceTree.at(cached, "main", url)) {
        assertEquals(List.of("a.yaml", "b.yaml"), t.files());
      }
      try (var dirs = Files.list(tmp.resolve("cache"))) {
        assertEquals(1, dirs.count(), "one cache repository per URL");
      }
    }
  }

  @Test
  void fetchesOverSmartHttpWithCredentialsAndNeverPrintsThem() throws Exception {
    Path remote = tmp.resolve("fleet.git");
    try (Git bare = GitFixture.bareRemote(remote); Git seed = GitFixture.cloneOf(remote, tmp.resolve("seed"))) {
      GitFixture.commit(seed, "one", Map.of("a.yaml", "a: 1\n"));
      GitFixture.push(seed);
      try (GitHttpServer http = new GitHttpServer(Map.of("fleet", bare.getRepository()), "robot", "s3cret")) {
        String url = http.url("fleet");
        String host = java.net.URI.create(url).getAuthority();
        try (Repository r = repositories(Map.of("GIT_USERNAME", "robot", "GIT_PASSWORD", "s3cret",
            "CAPKIT_GIT_HOST", host)).open(url);
            GitSourceTree t = GitSourceTree.at(r, "HEAD", url)) {
          assertEquals(List.of("a.yaml"), t.files());
        }
        Files.createDirectories(tmp.resolve("home"));
        Files.writeString(tmp.resolve("home/.git-credentials"), "https://other:x@example.org\n"
            + url.replace("http://", "http://robot:s3cret@").replace("/git/fleet.git", "") + "\n");
        try (Repository r = repositories(Map.of()).open(url)) {
          assertFalse(r.getRefDatabase().getRefs().isEmpty(), "credentials from ~/.git-credentials");
        }
        Files.delete(tmp.resolve("home/.git-credentials"));
        String withSecret = url.replace("http://", "http://robot:wrong-s3cret@");
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> repositories(Map.of()).open(withSecret));
        assertTrue(e.getMessage().startsWith("http://***@127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot fetch from the remote"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
      }
    }
  }

  @Test
  void refusesShallowClonesAndReportsUnreachableRemotes() throws Exception {
    Path remote = tmp.resolve("remote.git");
    GitFixture.bareRemote(remote).close();
    try (Git seed = GitFixture.cloneOf(remote, tmp.resolve("seed"))) {
      GitFixture.commit(seed, "one", Map.of("a.yaml", "a: 1\n"));
      GitFixture.commit(seed, "two", Map.of("a.yaml", "a: 2\n"));
      GitFixture.push(seed);
    }
    Git.cloneRepository().setURI(remote.toUri().toString()).setDirectory(tmp.resolve("shallow").toFile())
        .setDepth(1).call().close();
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> repositories(Map.of()).open(tmp.resolve("shallow").toString()));
    assertEquals(tmp.resolve("shallow") + ": is a shallow clone; capkit needs full history (run: git fetch "
        + "--unshallow)", e.getMessage());
    InvalidInputException down = assertThrows(InvalidInputException.class,
        () -> repositories(Map.of()).open("http://127.0.0.1:1/fleet.git"));
    assertTrue(down.getMessage().startsWith("http://127.0.0.1:1/fleet.git: cannot fetch from the remote"),
        down.getMessage());
    InvalidInputException notRepo = assertThrows(InvalidInputException.class,
        () -> repositories(Map.of()).open(tmp.toString()));
    assertEquals(tmp + ": not a Git repository", notRepo.getMessage());
  }

  private record Entry(FileMode mode, ObjectId id) {}

  private static Entry entry(FileMode mode, ObjectId id) {
    return new Entry(mode, id);
  }

  private static void commitTree(Repository repo, ObjectInserter ins, String message, Map<String, Entry> files)
      throws Exception {
    DirCache dc = DirCache.newInCore();
    DirCacheBuilder b = dc.builder();
    files.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(f -> {
      DirCacheEntry e = new DirCacheEntry(f.getKey());
      e.setFileMode(f.getValue().mode());
      e.setObjectId(f.getValue().id());
      b.add(e);
    });
    b.finish();
    CommitBuilder c = new CommitBuilder();
    c.setTreeId(dc.writeTree(ins));
    PersonIdent who = new PersonIdent("T", "t@example.com");
    c.setAuthor(who);
    c.setCommitter(who);
    c.setMessage(message);
    ObjectId parent = repo.resolve("refs/heads/main");
    if (parent != null) {
      c.setParentId(parent);
    }
    ObjectId id = ins.insert(c);
    ins.flush();
    RefUpdate u = repo.updateRef("refs/heads/main");
    u.setNewObjectId(id);
    u.setForceUpdate(true);
    u.update();
  }
}
