package io.capkit.gitops.diff;

import io.capkit.api.source.SourceTree;
import io.capkit.renderer.Renderer;
import java.util.Collection;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Rendering as the GitOps layer sees it: a fleet tree and a releases tree in, output files (path → bytes)
 * out. The renderer module provides the real one ({@link #of}); the Git layer never depends on how it works.
 * Throws {@link io.capkit.api.InvalidInputException} for input that breaks the contract.
 */
@FunctionalInterface
public interface FleetRenderer {
  SortedMap<String, byte[]> render(SourceTree fleet, SourceTree releases);

  /**
   * A hint that rendering follows soon: a renderer with a start-up cost may begin paying it on another thread
   * while the caller reads Git. By default nothing.
   */
  default void warmUp() {}

  /**
   * The fleet read and checked, to be rendered in parts: a diff then holds a few clusters of each side at a time,
   * never two whole renderings. By default everything is rendered here and is {@link Prepared#shared} output.
   */
  default Prepared prepare(SourceTree fleet, SourceTree releases) {
    return whole(render(fleet, releases));
  }

  /** A rendering done already: all of its files are {@link Prepared#shared} output. */
  static Prepared whole(SortedMap<String, byte[]> files) {
    RenderedOutput all = RenderedOutput.of(files);
    return new Prepared() {
      @Override
      public Set<String> clusterFolders() {
        return Set.of();
      }

      @Override
      public RenderedOutput shared() {
        return all;
      }

      @Override
      public void renderClusters(Collection<String> folders, BiConsumer<String, RenderedOutput> sink) {
        if (!folders.isEmpty()) {
          throw new IllegalArgumentException("no cluster folders: " + folders);
        }
      }
    };
  }

  /** A fleet ready to render: the output split into cluster folders, rendered on demand, and the rest. */
  interface Prepared {
    /** The output folders of single clusters: each holds only that cluster's files, and only it writes there. */
    Set<String> clusterFolders();

    /** Every output file outside {@link #clusterFolders()}. */
    RenderedOutput shared();

    /**
     * Renders the clusters of {@code folders} (some of {@link #clusterFolders()}) and hands each folder's files to
     * {@code sink}, from several threads at once, in no particular order. Throws as {@link #render} does, and
     * then may have handed some folders over already.
     */
    void renderClusters(Collection<String> folders, BiConsumer<String, RenderedOutput> sink);
  }

  /**
   * capkit's renderer, made on first use: its files as {@code capkit render} writes them, rendered cluster by
   * cluster when prepared, with the documents each cluster's files were written from, so a diff need not parse them.
   */
  static FleetRenderer of(Supplier<Renderer> renderer) {
    return new CapkitRenderer(renderer);
  }
}
