package io.capkit.gitops.diff;

import io.capkit.api.source.SourceTree;
import java.util.SortedMap;

/**
 * Rendering as the GitOps layer sees it: a fleet tree and a releases tree in, output files (path → bytes)
 * out. The renderer module provides the real one; the Git layer never depends on how it works.
 * Throws {@link io.capkit.api.InvalidInputException} for input that breaks the contract.
 */
@FunctionalInterface
public interface FleetRenderer {
  SortedMap<String, byte[]> render(SourceTree fleet, SourceTree releases);
}
