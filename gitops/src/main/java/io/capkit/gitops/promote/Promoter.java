package io.capkit.gitops.promote;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.SourceTree;
import io.capkit.gitops.diff.FleetDiff;
import io.capkit.gitops.diff.FleetRenderer;
import io.capkit.gitops.diff.IncrementalDiff;
import io.capkit.gitops.forge.Forge;
import io.capkit.gitops.forge.PullRequest;
import io.capkit.gitops.git.GitCredentials;
import io.capkit.gitops.git.FleetLayout;
import io.capkit.gitops.git.GitLocation;
import io.capkit.gitops.git.GitRepositories;
import io.capkit.gitops.git.GitSourceTree;
import io.capkit.gitops.git.OverlayTree;
import io.capkit.renderer.Background;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.dircache.DirCacheTree;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.lib.UserConfig;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PackLock;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.AndTreeFilter;
import org.eclipse.jgit.treewalk.filter.IndexDiffFilter;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;

/**
 * Release promotion against a local clone: fetch the base branch, plan the edits on its tree (no checkout),
 * write one commit on top of it, push it to {@code capkit/promote-<release>-<hash>}, and open or update the
 * pull request. The working tree and the checked-out branch are never touched.
 *
 * <p>The promote branch belongs to capkit: a re-run re-creates its one commit on the current base and
 * replaces the remote branch only if it still holds capkit's previous commit (the push carries the expected
 * old id, so the server refuses if anyone pushed meanwhile). The push waits for the rules and for the edited side to
 * render; the old side is rendered and compared meanwhile, for the pull request body. Nothing is left behind on
 * failure: the local branch is updated only after a successful push and rendered diff, a remote branch created by
 * this run is deleted again if the pull request cannot be opened, and a push the old side's rendering fails after is
 * taken back (a created branch deleted, a replaced one given capkit's previous commit again).
 */
public final class Promoter {
  /** GitHub's pull request body limit is 65536 characters. */
  private static final int BODY_LIMIT = 60_000;

  public record Options(String release, ClusterSelector selector, String base, String remote, String fleetPath,
      String releasesPath) {}

  public enum Outcome { CREATED, UPDATED, UNCHANGED, NOTHING_TO_DO }

  public record Result(Outcome outcome, String branch, ObjectId commit, PromotionPlan plan,
      Optional<PullRequest> pullRequest, String diffSummary) {}

  private final GitCredentials credentials;
  private final FleetRenderer renderer;
  private final Forge forge;
  private final PrintWriter progress;

  /** {@code renderer} and {@code forge} may be null: no diff in the body, no pull request (branch only). */
  public Promoter(GitCredentials credentials, FleetRenderer renderer, Forge forge, PrintWriter progress) {
    this.credentials = credentials;
    this.renderer = renderer;
    this.forge = forge;
    this.progress = progress;
  }

  public Result promote(Repository repo, Options o) {
    if (renderer != null) {
      renderer.warmUp(); // beside the fetch and the plan
    }
    String where = repo.isBare() ? repo.getDirectory().toString() : repo.getWorkTree().toString();
    GitRepositories.refuseShallow(repo, where);
    String branch = PromotionPlan.branch(o.release(), o.selector());
    String branchRef = Constants.R_HEADS + branch;
    refuseOnBranch(repo, where, branchRef);
    // The working tree is compared with the index on its own thread while capkit fetches, plans and renders; its
    // answer is awaited before anything is committed, and a dirty clone is refused before any other problem is
    // reported, as when it was checked first.
    Background<InvalidInputException> uncommitted = Background.start("capkit-uncommitted-check",
        () -> uncommitted(repo, where));
    Runnable refuseDirty = () -> {
      InvalidInputException dirty = uncommitted.get();
      if (dirty != null) {
        throw dirty;
      }
    };
    Result result;
    try {
      result = promote(repo, o, where, branch, branchRef, refuseDirty);
    } catch (InvalidInputException e) {
      refuseDirty.run();
      throw e;
    }
    refuseDirty.run();
    return result;
  }

  // After the checks of the clone itself; `refuseDirty` runs before the first write of promote's own.
  private Result promote(Repository repo, Options o, String where, String branch, String branchRef,
      Runnable refuseDirty) {
    String url = repo.getConfig().getString("remote", o.remote(), "url");
    if (url == null) {
      throw new InvalidInputException(new Problem(where, null, "has no remote \"" + o.remote() + "\""));
    }
    GitLocation.parse(url);
    String shownUrl = GitLocation.mask(url);
    CredentialsProvider login = credentials.forUrl(url);
    String trackingBase = Constants.R_REMOTES + o.remote() + "/" + o.base();
    String trackingBranch = Constants.R_REMOTES + o.remote() + "/" + branch;

    ObjectId remoteBranch = fetch(repo, o, login, shownUrl, branch, trackingBase, trackingBranch);
    ObjectId baseId = GitSourceTree.resolve(repo, trackingBase, where);

    try (GitSourceTree tree = GitSourceTree.of(repo, baseId, "git:" + shownUrl);
        ObjectInserter inserter = newInserter(repo);
        RevWalk walk = new RevWalk(repo)) {
      PromotionPlan plan = PromotionPlanner.plan(tree, o.fleetPath(), o.releasesPath(), o.selector(), o.release());
      plan.alreadyOnRelease().forEach(c -> progress.println("already on " + o.release() + ": " + c.id()));
      if (plan.edits().isEmpty()) {
        return new Result(Outcome.NOTHING_TO_DO, branch, null, plan, Optional.empty(), "no changes");
      }
      // The commit and the push wait for the rules (the plan) and for the new side to render and read without a
      // problem; the old side is rendered and compared meanwhile, for the pull request body only.
      Pusher pusher = new Pusher(repo, o, login, shownUrl, branch, branchRef, remoteBranch, baseId, plan, inserter,
          walk, refuseDirty);
      FleetDiff diff = null;
      String body;
      try {
        if (renderer != null) {
          diff = renderedDiff(tree, plan, o, pusher::start);
        }
        body = forge == null ? null : body(plan, diff); // while the push may still run
      } catch (RuntimeException | Error e) {
        pusher.undo(); // a push that went ahead is taken back: the old side failed
        throw e;
      }
      String summary = diff == null ? "not rendered" : diff.summary();
      Pushed p = pusher.result();
      boolean unchanged = p.unchanged();
      ObjectId commitId = p.commit();
      ObjectId pushed = unchanged ? remoteBranch : commitId;
      setRef(repo, branchRef, pushed);
      setRef(repo, trackingBranch, pushed);
      Optional<PullRequest> pr = Optional.empty();
      if (forge != null) {
        try {
          pr = Optional.of(p.existing().isPresent()
              ? forge.update(p.existing().get().number(), plan.title(), body)
              : forge.create(plan.title(), branch, o.base(), body));
        } catch (InvalidInputException e) {
          if (remoteBranch == null) {
            undoNewBranch(repo, o.remote(), login, shownUrl, branchRef, commitId, trackingBranch);
          }
          throw e;
        }
      }
      Outcome outcome = unchanged ? Outcome.UNCHANGED : remoteBranch == null ? Outcome.CREATED : Outcome.UPDATED;
      return new Result(outcome, branch, pushed, plan, pr, summary);
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(where, null, "cannot write the commit: " + e.getMessage()));
    }
  }

  private static void refuseOnBranch(Repository repo, String where, String branchRef) {
    try {
      if (branchRef.equals(repo.getFullBranch())) {
        throw new InvalidInputException(new Problem(where, null, "the promote branch "
            + Repository.shortenRefName(branchRef) + " is checked out; switch to another branch first"));
      }
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(where, null, "cannot read the clone's state: " + e.getMessage()));
    }
  }

  // The problem of a clone with uncommitted changes, or null.
  private static InvalidInputException uncommitted(Repository repo, String where) {
    try {
      if (!repo.isBare() && hasUncommittedChanges(repo)) {
        return new InvalidInputException(new Problem(where, null,
            "has uncommitted changes; commit or stash them first"));
      }
      return null;
    } catch (IOException | GitAPIException e) {
      return new InvalidInputException(new Problem(where, null, "cannot read the clone's state: " + e.getMessage()));
    }
  }

  /**
   * What {@code git status} calls uncommitted (untracked files do not count). When the index's cached tree
   * equals HEAD's tree, the HEAD side needs no walk: only the working tree is compared with the index. As git does,
   * an entry whose file has the index's stat data (type, executable bit, size, modification time to the
   * nanosecond) is clean unless it is racily clean (modified no earlier than the index was written) or smudged;
   * only the other entries go to JGit's comparison (stat data, then content), so the working tree's folders are
   * listed only on the way to those. Otherwise JGit's full status decides.
   */
  static boolean hasUncommittedChanges(Repository repo) throws IOException, GitAPIException {
    ObjectId head = repo.resolve(Constants.HEAD + "^{tree}");
    Path indexFile = repo.getIndexFile().toPath();
    FileTime indexTime = modified(indexFile);
    DirCache index = repo.readDirCache();
    DirCacheTree cached = index.getCacheTree(false);
    if (head == null || cached == null || !cached.isValid() || !head.equals(cached.getObjectId())
        || index.hasUnmergedPaths() || indexTime == null || !indexTime.equals(modified(indexFile))) {
      try (Git git = Git.wrap(repo)) {
        return git.status().call().hasUncommittedChanges();
      }
    }
    List<String> doubtful = statMismatches(repo.getWorkTree().toPath(), index, indexTime.toInstant());
    if (doubtful.isEmpty()) {
      return false;
    }
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(new DirCacheIterator(index));
      walk.addTree(new FileTreeIterator(repo));
      walk.setRecursive(true);
      walk.setFilter(AndTreeFilter.create(PathFilterGroup.createFromStrings(doubtful), new IndexDiffFilter(0, 1)));
      while (walk.next()) {
        if (walk.getTree(0, DirCacheIterator.class) != null) { // modified or deleted; not untracked
          return true;
        }
      }
    }
    return false;
  }

  // The modification time of `file`, or null if it cannot be read.
  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return null;
    }
  }

  // The index entries whose files cannot be called clean from their stat data alone (git's rule, racy entries
  // included): JGit compares those.
  static List<String> statMismatches(Path workTree, DirCache index, Instant indexTime) {
    List<String> doubtful = new ArrayList<>();
    for (int i = 0, n = index.getEntryCount(); i < n; i++) {
      DirCacheEntry e = index.getEntry(i);
      String path = e.getPathString();
      if (!sameStat(workTree, e, path, indexTime)) {
        doubtful.add(path);
      }
    }
    return doubtful;
  }

  private static boolean sameStat(Path workTree, DirCacheEntry e, String path, Instant indexTime) {
    FileMode mode = e.getFileMode();
    if (e.getStage() != DirCacheEntry.STAGE_0 || e.isAssumeValid() || e.isUpdateNeeded() || e.isSmudged()
        || (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE)) {
      return false;
    }
    Instant entryTime = e.getLastModifiedInstant();
    if (entryTime.compareTo(indexTime) >= 0) { // racily clean: the file may have changed after the index was written
      return false;
    }
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(workTree.resolve(path), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException e2) {
      return false;
    }
    boolean executable = a.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
    return a.isRegularFile() && a.size() == e.getLength() && executable == (mode == FileMode.EXECUTABLE_FILE)
        && a.lastModifiedTime().toInstant().equals(entryTime);
  }

  /**
   * Fetches {@code --base} and, if the remote has it, the promote branch into their remote-tracking refs, over one
   * connection: the refs it advertises decide what to fetch (a missing base is refused before anything is fetched), and
   * the same connection then fetches them. The promote branch's id on the remote, or null. Only the two tracking refs
   * are written (no tags, no FETCH_HEAD).
   */
  private ObjectId fetch(Repository repo, Options o, CredentialsProvider login, String shownUrl, String branch,
      String trackingBase, String trackingBranch) {
    String baseRef = Constants.R_HEADS + o.base();
    String branchRef = Constants.R_HEADS + branch;
    try (Transport t = open(repo, o.remote(), login, shownUrl)) {
      FetchConnection c;
      Map<String, Ref> advertised;
      try {
        c = t.openFetch(List.of(new RefSpec(baseRef), new RefSpec(branchRef)));
        advertised = c.getRefsMap();
      } catch (TransportException | NotSupportedException | RuntimeException e) {
        throw new InvalidInputException(new Problem(shownUrl, null, "cannot reach the remote: "
            + GitLocation.mask(GitRepositories.rootMessage(e))));
      }
      try (c) {
        Ref base = advertised.get(baseRef);
        if (base == null || base.getObjectId() == null) {
          throw new InvalidInputException(new Problem(shownUrl, null, "has no branch \"" + o.base() + "\""));
        }
        Ref remoteBranch = advertised.get(branchRef);
        ObjectId remoteBranchId = remoteBranch == null ? null : remoteBranch.getObjectId();
        progress.println("fetching " + o.base() + (remoteBranchId != null ? " and " + branch : "") + " from "
            + shownUrl);
        List<Ref> want = remoteBranchId != null ? List.of(base, remoteBranch) : List.of(base);
        try {
          // Nothing is asked for when the clone has it all (reachable from its refs): then no pack is negotiated. A
          // received pack is kept from garbage collection until the tracking refs point into it.
          Collection<PackLock> locks = List.of();
          if (!haveAll(repo, want)) {
            c.setPackLockMessage("capkit promote: fetch from " + shownUrl);
            c.fetch(NullProgressMonitor.INSTANCE, want, Set.of());
            locks = c.getPackLocks();
          }
          try {
            setRef(repo, trackingBase, base.getObjectId(), "fetch");
            if (remoteBranchId != null) {
              setRef(repo, trackingBranch, remoteBranchId, "fetch");
            }
          } finally {
            for (PackLock lock : locks) {
              lock.unlock();
            }
          }
        } catch (IOException | RuntimeException e) {
          throw new InvalidInputException(new Problem(shownUrl, null, "cannot fetch: "
              + GitLocation.mask(GitRepositories.rootMessage(e))));
        }
        return remoteBranchId;
      }
    }
  }

  // Whether every object of `want` is in the clone with everything it reaches, as seen from the clone's refs.
  private static boolean haveAll(Repository repo, List<Ref> want) throws IOException {
    try (ObjectWalk walk = new ObjectWalk(repo)) {
      for (Ref r : want) {
        walk.markStart(walk.parseAny(r.getObjectId()));
      }
      for (Ref r : repo.getRefDatabase().getRefs()) {
        if (r.getObjectId() != null) {
          walk.markUninteresting(walk.parseAny(r.getObjectId()));
        }
      }
      walk.checkConnectivity();
      return true;
    } catch (MissingObjectException e) {
      return false;
    }
  }

  // The transport to `remote` as the clone's configuration describes it.
  private static Transport open(Repository repo, String remote, CredentialsProvider login, String shownUrl) {
    Transport t;
    try {
      t = Transport.open(repo, remote);
    } catch (IOException | URISyntaxException | RuntimeException e) {
      throw new InvalidInputException(new Problem(shownUrl, null, "cannot reach the remote: "
          + GitLocation.mask(GitRepositories.rootMessage(e))));
    }
    t.setCredentialsProvider(login);
    t.setTimeout(GitRepositories.TIMEOUT_SECONDS);
    return t;
  }

  /**
   * One pack for the commit's new objects in a clone on disk (the blobs, the trees above them and the commit: about
   * two files per cluster if written loose), else the repository's own inserter.
   */
  private static ObjectInserter newInserter(Repository repo) {
    if (repo.getObjectDatabase() instanceof ObjectDirectory objects) {
      PackInserter pack = objects.newPackInserter();
      pack.checkExisting(true); // an object the clone has already is not written again
      return pack;
    }
    return repo.newObjectInserter();
  }

  // A tree equal to the base's with the edited blobs swapped in: only the trees on the way to an edited file are
  // written again; every other subtree keeps its id (no index, no walk of the whole tree).
  private static ObjectId commit(Repository repo, ObjectInserter inserter, RevCommit base, PromotionPlan plan)
      throws IOException {
    SortedMap<String, ObjectId> blobs = new TreeMap<>();
    for (Map.Entry<String, byte[]> f : plan.files().entrySet()) {
      blobs.put(f.getKey(), inserter.insert(Constants.OBJ_BLOB, f.getValue()));
    }
    int[] replaced = {0};
    ObjectId tree;
    try (ObjectReader reader = repo.newObjectReader()) {
      tree = withBlobs(reader, inserter, base.getTree(), "", blobs, replaced);
    }
    if (replaced[0] != blobs.size()) {
      throw new IllegalStateException("planned files are missing from the base tree");
    }
    PersonIdent who = author(repo);
    CommitBuilder c = new CommitBuilder();
    c.setTreeId(tree);
    c.setParentId(base);
    c.setAuthor(who);
    c.setCommitter(who);
    c.setMessage(plan.commitMessage());
    ObjectId id = inserter.insert(c);
    inserter.flush();
    return id;
  }

  // The tree `treeId` at `prefix` ("" or ending in '/') with the blobs of `blobs` (full paths, sorted) under it.
  private static ObjectId withBlobs(ObjectReader reader, ObjectInserter inserter, AnyObjectId treeId, String prefix,
      SortedMap<String, ObjectId> blobs, int[] replaced) throws IOException {
    TreeFormatter out = new TreeFormatter();
    for (CanonicalTreeParser p = new CanonicalTreeParser(null, reader, treeId); !p.eof(); p.next()) {
      FileMode mode = p.getEntryFileMode();
      String path = prefix + p.getEntryPathString();
      ObjectId id = p.getEntryObjectId();
      if (mode == FileMode.TREE) {
        SortedMap<String, ObjectId> below = blobs.subMap(path + "/", path + "0"); // '0' follows '/'
        if (!below.isEmpty()) {
          id = withBlobs(reader, inserter, id, path + "/", below, replaced);
        }
      } else if (blobs.containsKey(path)) {
        id = blobs.get(path);
        replaced[0]++;
      }
      out.append(p.getEntryPathBuffer(), p.getNameOffset(), p.getNameLength(), mode, id);
    }
    return inserter.insert(out);
  }

  private static PersonIdent author(Repository repo) {
    UserConfig user = repo.getConfig().get(UserConfig.KEY);
    boolean configured = !user.isAuthorNameImplicit() && !user.isAuthorEmailImplicit();
    return configured ? new PersonIdent(user.getAuthorName(), user.getAuthorEmail())
        : new PersonIdent("capkit", "capkit@localhost");
  }

  // capkit's commit: one parent that the base already contains, and capkit's trailer.
  private static boolean madeByCapkit(RevWalk walk, RevCommit theirs, ObjectId baseId) throws IOException {
    if (theirs.getParentCount() != 1 || !theirs.getFullMessage().contains(PromotionPlan.TRAILER)) {
      return false;
    }
    RevCommit parent = walk.parseCommit(theirs.getParent(0));
    return walk.isMergedInto(parent, walk.parseCommit(baseId));
  }

  private void push(Repository repo, String remote, CredentialsProvider login, String shownUrl, String ref,
      ObjectId commit, ObjectId expectedOld) {
    // A replacement is a compare-and-swap on the old id, never a blind force.
    RemoteRefUpdate update;
    try {
      update = new RemoteRefUpdate(repo, (String) null, commit, ref, expectedOld != null, null,
          expectedOld != null ? expectedOld : ObjectId.zeroId());
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(shownUrl, null, "cannot prepare the push: " + e.getMessage()));
    }
    pushUpdates(repo, remote, login, shownUrl, List.of(update));
    RemoteRefUpdate.Status s = update.getStatus();
    if (s != RemoteRefUpdate.Status.OK && s != RemoteRefUpdate.Status.UP_TO_DATE) {
      String why = switch (s) {
        case REJECTED_REMOTE_CHANGED -> "the branch changed on the remote while capkit worked; run promote again";
        case REJECTED_NONFASTFORWARD -> "not a fast-forward";
        default -> s.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
      };
      String message = update.getMessage() == null ? "" : " (" + GitLocation.mask(update.getMessage()) + ")";
      throw new InvalidInputException(new Problem(shownUrl, null, "push of " + Repository.shortenRefName(ref)
          + " rejected: " + why + message));
    }
  }

  private void pushUpdates(Repository repo, String remote, CredentialsProvider login, String shownUrl,
      Collection<RemoteRefUpdate> updates) {
    try (Transport t = Transport.open(repo, remote)) {
      t.setCredentialsProvider(login);
      t.setTimeout(GitRepositories.TIMEOUT_SECONDS);
      // No delta search: the pack holds one commit of small files, a few hundred bytes each once compressed, and
      // searching a window of similar files for deltas cost more time on both sides than it saves on the wire.
      PackConfig pack = new PackConfig(repo);
      pack.setDeltaCompress(false);
      t.setPackConfig(pack);
      PushResult r = t.push(NullProgressMonitor.INSTANCE, updates);
      if (r == null) {
        throw new InvalidInputException(new Problem(shownUrl, null, "push gave no result"));
      }
    } catch (InvalidInputException e) {
      throw e;
    } catch (Exception e) {
      throw new InvalidInputException(new Problem(shownUrl, null, "push failed: "
          + GitLocation.mask(GitRepositories.rootMessage(e))));
    }
  }

  // Deletes the branch this run created on the remote and, with `trackingRef` given, the local refs this run wrote.
  private void undoNewBranch(Repository repo, String remote, CredentialsProvider login, String shownUrl,
      String ref, ObjectId pushed, String trackingRef) {
    try {
      RemoteRefUpdate delete = new RemoteRefUpdate(repo, (String) null, ObjectId.zeroId(), ref, true, null, pushed);
      pushUpdates(repo, remote, login, shownUrl, List.of(delete));
      if (trackingRef != null) {
        deleteRef(repo, ref);
        deleteRef(repo, trackingRef);
      }
    } catch (IOException | InvalidInputException e) {
      progress.println("could not delete branch " + Repository.shortenRefName(ref) + " again on " + shownUrl
          + "; delete it by hand");
    }
  }

  private static void setRef(Repository repo, String ref, ObjectId id) throws IOException {
    setRef(repo, ref, id, "capkit promote");
  }

  private static void setRef(Repository repo, String ref, ObjectId id, String reflog) throws IOException {
    RefUpdate u = repo.updateRef(ref);
    u.setNewObjectId(id);
    u.setForceUpdate(true);
    u.setRefLogMessage(reflog, reflog.equals("fetch"));
    RefUpdate.Result r = u.update();
    if (r == RefUpdate.Result.LOCK_FAILURE || r == RefUpdate.Result.IO_FAILURE || r == RefUpdate.Result.REJECTED) {
      throw new IOException("cannot update " + ref + ": " + r);
    }
  }

  private static void deleteRef(Repository repo, String ref) throws IOException {
    if (repo.exactRef(ref) != null) {
      RefUpdate u = repo.updateRef(ref);
      u.setForceUpdate(true);
      u.delete();
    }
  }

  // Only the edited clusters (and what shares output with them) are rendered, before and after the edit. The body
  // shows the report's first ~60,000 characters: only the diffs of those are made (on demand). `newSideRendered` runs
  // once the edited side rendered without a problem (IncrementalDiff).
  private FleetDiff renderedDiff(SourceTree base, PromotionPlan plan, Options o, Runnable newSideRendered) {
    SourceTree edited = new OverlayTree(base, plan.files());
    FleetLayout l = new FleetLayout(o.fleetPath(), o.releasesPath());
    return IncrementalDiff.between(renderer, l.fleet(base), l.releases(base), l.fleet(edited), l.releases(edited),
        l.fleetPaths(plan.files().keySet()), l.releases(base).inside(plan.files().keySet()), true, newSideRendered)
        .diff();
  }

  /** What the push step did: the commit, whether the remote branch held it already, the open pull request. */
  private record Pushed(ObjectId commit, boolean unchanged, Optional<PullRequest> existing) {}

  /**
   * The commit and the push, after the plan's rules and the new side's render passed: on a thread of its own while the
   * old side renders ({@link #start}), or on the caller's when nothing started it ({@link #result}). Writes nothing before the uncommitted-changes
   * check passed; the local refs are left to the caller, once the pull request body can be written.
   */
  private final class Pusher {
    private final Repository repo;
    private final Options o;
    private final CredentialsProvider login;
    private final String shownUrl;
    private final String branch;
    private final String branchRef;
    private final ObjectId remoteBranch;
    private final ObjectId baseId;
    private final PromotionPlan plan;
    private final ObjectInserter inserter;
    private final RevWalk walk;
    private final Runnable refuseDirty;
    private Background<Pushed> running;
    private Pushed done;

    Pusher(Repository repo, Options o, CredentialsProvider login, String shownUrl, String branch, String branchRef,
        ObjectId remoteBranch, ObjectId baseId, PromotionPlan plan, ObjectInserter inserter, RevWalk walk,
        Runnable refuseDirty) {
      this.repo = repo;
      this.o = o;
      this.login = login;
      this.shownUrl = shownUrl;
      this.branch = branch;
      this.branchRef = branchRef;
      this.remoteBranch = remoteBranch;
      this.baseId = baseId;
      this.plan = plan;
      this.inserter = inserter;
      this.walk = walk;
      this.refuseDirty = refuseDirty;
    }

    void start() {
      running = Background.start("capkit-push", this::push);
    }

    /** The push's outcome; throws what pushing threw. */
    Pushed result() {
      if (done == null) {
        if (running == null) {
          done = push(); // not started: no renderer, or the diff gave its result without saying when the new side was done
        } else {
          done = running.get();
        }
      }
      return done;
    }

    /** After the diff failed: waits for a push that was started, and takes back what it changed on the remote. */
    void undo() {
      if (running == null) {
        return;
      }
      Pushed p;
      try {
        p = running.get();
      } catch (RuntimeException | Error e) {
        return; // nothing was pushed, or the push failed: the diff's problem is the one to report
      }
      if (p.unchanged()) {
        return;
      }
      if (remoteBranch == null) {
        undoNewBranch(repo, o.remote(), login, shownUrl, branchRef, p.commit(), null); // no local ref written yet
      } else {
        restoreBranch(repo, o.remote(), login, shownUrl, branchRef, p.commit(), remoteBranch);
      }
    }

    private Pushed push() {
      try {
        refuseDirty.run();
        ObjectId commitId = commit(repo, inserter, walk.parseCommit(baseId), plan);
        RevCommit mine = walk.parseCommit(commitId);
        boolean unchanged = false;
        if (remoteBranch != null) {
          RevCommit theirs = walk.parseCommit(remoteBranch);
          unchanged = theirs.getTree().equals(mine.getTree()) && theirs.getParentCount() == 1
              && theirs.getParent(0).equals(baseId);
          if (!unchanged && !madeByCapkit(walk, theirs, baseId)) {
            throw new InvalidInputException(new Problem(shownUrl, null, "branch " + branch
                + " has commits capkit did not make; refusing to replace them (merge or delete that branch first)"));
          }
        }
        Optional<PullRequest> existing = forge == null ? Optional.empty() : forge.findOpen(branch);
        if (!unchanged) {
          progress.println((remoteBranch == null ? "pushing new branch " : "replacing capkit's commit on ")
              + branch + " (" + plan.edits().size() + " cluster(s))");
          Promoter.this.push(repo, o.remote(), login, shownUrl, branchRef, commitId, remoteBranch);
        }
        return new Pushed(commitId, unchanged, existing);
      } catch (IOException e) {
        String where = repo.isBare() ? repo.getDirectory().toString() : repo.getWorkTree().toString();
        throw new InvalidInputException(new Problem(where, null, "cannot write the commit: " + e.getMessage()));
      }
    }
  }

  // Puts capkit's previous commit back on the remote branch this run replaced (only if it still holds this run's).
  private void restoreBranch(Repository repo, String remote, CredentialsProvider login, String shownUrl, String ref,
      ObjectId pushed, ObjectId previous) {
    try {
      RemoteRefUpdate back = new RemoteRefUpdate(repo, (String) null, previous, ref, true, null, pushed);
      pushUpdates(repo, remote, login, shownUrl, List.of(back));
      if (back.getStatus() != RemoteRefUpdate.Status.OK && back.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
        throw new IOException(back.getStatus().name());
      }
    } catch (IOException | InvalidInputException e) {
      progress.println("could not put branch " + Repository.shortenRefName(ref) + " back on " + shownUrl
          + "; it holds this run's commit " + pushed.name());
    }
  }

  private static String body(PromotionPlan plan, FleetDiff diff) {
    StringBuilder b = new StringBuilder("Promotes these clusters to **").append(plan.release()).append("** ")
        .append("(selection `").append(plan.selector().normalized()).append("`):\n\n");
    for (PromotionPlan.ClusterEdit e : plan.edits()) {
      b.append("- `").append(e.file().path()).append("`: ").append(e.fromRelease()).append(" -> ")
          .append(plan.release()).append('\n');
    }
    b.append('\n');
    if (diff != null) {
      b.append(diff.markdown(BODY_LIMIT - b.length() - 200));
    }
    return b.append("\n_Opened by capkit promote; running it again updates this pull request._\n").toString();
  }

}
