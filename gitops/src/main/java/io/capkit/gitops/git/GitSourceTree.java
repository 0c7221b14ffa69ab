package io.capkit.gitops.git;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RevisionSyntaxException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The files of one commit, read straight from the object database: no checkout, no working tree. Paths are
 * listed once (one tree walk); blobs are read lazily through a single {@link ObjectReader}. Symbolic links and
 * submodules are refused, since a checkout would resolve them differently on each machine.
 */
public final class GitSourceTree implements SourceTree, AutoCloseable {
  /** Largest file read, in bytes: the YAML size limit. */
  public static final long MAX_FILE_BYTES = YamlDocuments.MAX_CHARS;
  /** Most files in a tree. */
  public static final int MAX_FILES = 100_000;
  /** Byte order of the UTF-8 paths, as {@link SourceTree#files()} promises. */
  public static final Comparator<String> BYTE_ORDER = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private final ObjectReader reader;
  private final RevCommit commit;
  private final Map<String, ObjectId> blobs;
  private final List<String> files;
  private final String description;

  private GitSourceTree(ObjectReader reader, RevCommit commit, Listing listing, String where) {
    this.reader = reader;
    this.commit = commit;
    this.blobs = listing.blobs();
    this.files = listing.files();
    this.description = where + "@" + commit.abbreviate(12).name();
  }

  /** The paths in byte order and their blobs. */
  private record Listing(List<String> files, Map<String, ObjectId> blobs) {}

  /** The tree of the commit {@code ref} names (branch, tag, commit id, {@code HEAD~1}, …) in {@code repo}. */
  public static GitSourceTree at(Repository repo, String ref, String where) {
    return of(repo, resolve(repo, ref, where), where);
  }

  /** Two commits' trees, as a diff reads them: {@code from}'s problem first when both refs fail. */
  public record Pair(GitSourceTree before, GitSourceTree after) implements AutoCloseable {
    @Override
    public void close() {
      before.close();
      after.close();
    }
  }

  /** The trees of {@code from} and {@code to}, listed at the same time (each walk is one thread's work). */
  public static Pair at(Repository repo, String from, String to, String where) {
    java.util.concurrent.CompletableFuture<GitSourceTree> before =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> at(repo, from, where));
    GitSourceTree after = null;
    RuntimeException afterFailure = null;
    try {
      after = at(repo, to, where);
    } catch (RuntimeException e) {
      afterFailure = e;
    }
    GitSourceTree b;
    try {
      b = before.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (after != null) {
        after.close();
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    if (afterFailure != null) {
      b.close();
      throw afterFailure;
    }
    return new Pair(b, after);
  }

  /** The tree of {@code commitId}. */
  public static GitSourceTree of(Repository repo, ObjectId commitId, String where) {
    ObjectReader reader = repo.newObjectReader();
    try (RevWalk walk = new RevWalk(reader)) {
      RevCommit commit = walk.parseCommit(commitId);
      GitSourceTree tree = new GitSourceTree(reader, commit, list(reader, commit, where), where);
      reader = null;
      return tree;
    } catch (MissingObjectException e) {
      throw new InvalidInputException(new Problem(where, null, "commit " + commitId.abbreviate(12).name()
          + " or its files are missing from the repository (shallow or partial clone?)"));
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(where, null, "cannot read commit "
          + commitId.abbreviate(12).name() + ": " + GitLocation.mask(e.getMessage())));
    } finally {
      if (reader != null) {
        reader.close();
      }
    }
  }

  /** The commit {@code ref} names, or a problem saying the ref does not exist. */
  public static ObjectId resolve(Repository repo, String ref, String where) {
    try {
      ObjectId id = repo.resolve(ref + "^{commit}");
      if (id == null) {
        throw new InvalidInputException(new Problem(where, null, "ref \"" + ref + "\" not found"));
      }
      return id;
    } catch (AmbiguousObjectException e) {
      throw new InvalidInputException(new Problem(where, null, "ref \"" + ref + "\" is ambiguous"));
    } catch (RevisionSyntaxException | IncorrectObjectTypeException e) {
      throw new InvalidInputException(new Problem(where, null, "ref \"" + ref + "\" does not name a commit"));
    } catch (MissingObjectException e) {
      throw new InvalidInputException(new Problem(where, null, "ref \"" + ref
          + "\" points at a missing object (shallow or partial clone?)"));
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(where, null, "cannot resolve ref \"" + ref + "\": "
          + GitLocation.mask(e.getMessage())));
    }
  }

  // A recursive tree walk visits paths in byte order already (git sorts a folder's entries as "name/"), so the
  // listing is checked for order rather than sorted; only a tree written out of order pays for a sort.
  private static Listing list(ObjectReader reader, RevCommit commit, String where) throws IOException {
    List<String> files = new ArrayList<>();
    Map<String, ObjectId> blobs = new HashMap<>();
    List<Problem> problems = new ArrayList<>();
    boolean sorted = true;
    byte[] previous = null;
    try (TreeWalk walk = new TreeWalk(reader)) {
      walk.addTree(commit.getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        FileMode mode = walk.getFileMode(0);
        String path = walk.getPathString();
        if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
          byte[] raw = walk.getRawPath();
          if (previous != null && Arrays.compareUnsigned(previous, raw) >= 0) {
            sorted = false;
          }
          previous = raw;
          files.add(path);
          blobs.put(path, walk.getObjectId(0));
        } else if (mode == FileMode.SYMLINK) {
          problems.add(new Problem(where, path, "is a symbolic link; capkit reads regular files only"));
        } else if (mode == FileMode.GITLINK) {
          problems.add(new Problem(where, path, "is a submodule; capkit reads one repository, without submodules"));
        } else {
          problems.add(new Problem(where, path, "has an unsupported file mode " + mode));
        }
        if (files.size() > MAX_FILES) {
          throw new InvalidInputException(new Problem(where, null, "more than " + MAX_FILES + " files"));
        }
      }
    }
    InvalidInputException.throwIfAny(problems);
    if (!sorted) {
      SortedMap<String, ObjectId> inOrder = new TreeMap<>(BYTE_ORDER);
      inOrder.putAll(blobs);
      return new Listing(List.copyOf(inOrder.keySet()), blobs);
    }
    return new Listing(List.copyOf(files), blobs);
  }

  @Override
  public List<String> files() {
    return files;
  }

  @Override
  public synchronized Optional<byte[]> read(String path) {
    ObjectId id = blobs.get(path);
    if (id == null) {
      return Optional.empty();
    }
    try {
      long size = reader.getObjectSize(id, Constants.OBJ_BLOB);
      if (size > MAX_FILE_BYTES) {
        throw new InvalidInputException(new Problem(description, path, "file is " + size
            + " bytes, over the limit of " + MAX_FILE_BYTES));
      }
      return Optional.of(reader.open(id, Constants.OBJ_BLOB).getCachedBytes((int) MAX_FILE_BYTES));
    } catch (IOException e) {
      throw new InvalidInputException(new Problem(description, path, "cannot read: "
          + GitLocation.mask(e.getMessage())));
    }
  }

  @Override
  public String describe() {
    return description;
  }

  /** The commit this tree belongs to. */
  public RevCommit commit() {
    return commit;
  }

  @Override
  public synchronized void close() {
    reader.close();
  }
}
