package io.capkit.gitops.diff;

import io.capkit.api.source.SourceTree;
import io.capkit.renderer.Renderer;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * Rendering as the GitOps layer sees it: a fleet tree and a releases tree in, output files (path → bytes)
 * out. The renderer module provides the real one ({@link #of}); the Git layer never depends on how it works.
 * Throws {@link io.capkit.api.InvalidInputException} for input that breaks the contract.
 */
@FunctionalInterface
public interface FleetRenderer {
  SortedMap<String, byte[]> render(SourceTree fleet, SourceTree releases);

  /** The same files, with the documents of those the renderer wrote from objects ({@link RenderedOutput}). */
  default RenderedOutput renderOutput(SourceTree fleet, SourceTree releases) {
    return RenderedOutput.of(render(fleet, releases));
  }

  /**
   * capkit's renderer, made on first use: its files as {@code capkit render} writes them, and each cluster's
   * {@code manifests.yaml} and {@code kustomization.yaml} with the documents they were written from, so a diff need
   * not parse them.
   */
  static FleetRenderer of(Supplier<Renderer> renderer) {
    return new CapkitRenderer(renderer);
  }
}
