package io.capkit.renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.util.List;
import java.util.SortedMap;

/** The rendered fleet: clusters sorted by their fleet path. */
public record RenderResult(List<RenderedCluster> clusters) {

  /** Output files, path → bytes, sorted by path (see {@link OutputLayout}). */
  public SortedMap<String, byte[]> files() {
    return OutputLayout.files(clusters);
  }

  /** Warnings of all clusters, in cluster order. */
  public List<String> warnings() {
    return clusters.stream().flatMap(c -> c.warnings().stream()).toList();
  }

  /** Only the cluster {@code namespace/name}; throws when there is no such cluster. */
  public RenderResult select(String key) {
    List<RenderedCluster> one = clusters.stream().filter(c -> c.source().key().equals(key)).toList();
    if (one.isEmpty()) {
      throw new InvalidInputException(Problem.at("--cluster", "no cluster " + key + " in the fleet"));
    }
    return new RenderResult(one);
  }
}
