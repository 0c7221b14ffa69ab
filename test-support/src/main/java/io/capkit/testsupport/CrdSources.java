package io.capkit.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where CRDs come from: capkit's own (crds/ in the repository) and the upstream ones taken from the released
 * Go modules by hack/ensure-upstream-crds.sh ({@code $CAPKIT_CRD_CACHE}, default
 * {@code ~/.cache/capkit/upstream-crds}), falling back to the copies in ../shared/upstream-crds.
 */
public final class CrdSources {
  /** Upstream groups installed into test API servers (Argo CD's are only used for offline validation). */
  public static final List<String> INSTALLED_GROUPS = List.of("capi", "flux", "metal3", "kamaji", "byoh");

  private CrdSources() {}

  public static Path repoRoot() {
    String prop = System.getProperty("capkit.repo.root");
    Path start = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("crds")) && Files.exists(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the capkit repository root above " + start);
  }

  public static Path capkitCrds() {
    return repoRoot().resolve("crds");
  }

  /** The folder of one upstream group (capi, flux, metal3, kamaji, byoh, argocd). */
  public static Path upstream(String group) {
    String env = System.getenv("CAPKIT_CRD_CACHE");
    Path cache = env != null && !env.isBlank() ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "capkit", "upstream-crds");
    if (Files.isDirectory(cache.resolve(group))) {
      return cache.resolve(group);
    }
    Path shared = repoRoot().resolveSibling("shared").resolve("upstream-crds").resolve(group);
    if (Files.isDirectory(shared)) {
      return shared;
    }
    throw new IllegalStateException("no upstream CRDs for " + group + " in " + cache + " or " + shared
        + "; run hack/ensure-upstream-crds.sh");
  }

  /** capkit's CRDs and the installed upstream groups. */
  public static List<Path> all() {
    List<Path> out = new ArrayList<>();
    out.add(capkitCrds());
    INSTALLED_GROUPS.forEach(g -> out.add(upstream(g)));
    return out;
  }
}
