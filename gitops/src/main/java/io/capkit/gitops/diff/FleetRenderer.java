package io.capkit.gitops.diff;

import io.capkit.api.source.SourceTree;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.RenderedCluster;
import io.capkit.renderer.Renderer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
   * {@code manifests.yaml} with the documents of its objects, so a diff need not parse them.
   */
  static FleetRenderer of(Supplier<Renderer> renderer) {
    return new FleetRenderer() {
      private Renderer made;

      private synchronized Renderer renderer() {
        if (made == null) {
          made = renderer.get();
        }
        return made;
      }

      @Override
      public SortedMap<String, byte[]> render(SourceTree fleet, SourceTree releases) {
        return OutputLayout.files(renderer().render(fleet, releases).clusters());
      }

      @Override
      public RenderedOutput renderOutput(SourceTree fleet, SourceTree releases) {
        List<RenderedCluster> clusters = renderer().render(fleet, releases).clusters();
        // Encoded on the worker threads, as OutputLayout.files does.
        List<OutputLayout.EncodedCluster> encoded = clusters.parallelStream().map(OutputLayout::encode).toList();
        Map<String, List<? extends Map<String, ?>>> documents = new HashMap<>(clusters.size() * 2);
        for (int i = 0; i < clusters.size(); i++) {
          documents.put(encoded.get(i).folder() + "/" + OutputLayout.MANIFESTS,
              clusters.get(i).objects().stream().map(KubeObject::document).toList());
        }
        return new RenderedOutput(OutputLayout.assemble(encoded), documents);
      }
    };
  }
}
