package io.capkit.renderer;

import io.capkit.api.source.SourceTree;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;

/**
 * The rendered fleet as output files only, made through the streaming path ({@link Renderer#renderEach}: each
 * cluster encoded on the worker that rendered it) and assembled in memory: the tests' oracle for what the streamed
 * writers put on disk. Test code only: production never holds a whole fleet's files at once.
 *
 * @param clusters how many clusters were rendered
 * @param files    path → bytes, sorted by path, exactly {@link RenderResult#files()} of the same input
 * @param warnings warnings of all clusters, in cluster order
 */
record RenderedFiles(int clusters, SortedMap<String, byte[]> files, List<String> warnings) {

  static RenderedFiles of(Renderer renderer, SourceTree fleet, String fleetLabel, SourceTree releases,
      String releasesLabel) {
    Renderer.Fleet in = renderer.read(fleet, fleetLabel, releases, releasesLabel);
    OutputLayout.EncodedCluster[] out = new OutputLayout.EncodedCluster[in.clusters().size()];
    Renderer.Streamed s = renderer.renderEach(in, in.clusters(), (i, c) -> out[i] = c);
    return new RenderedFiles(s.clusters(), OutputLayout.assemble(Arrays.asList(out)), s.warnings());
  }
}
