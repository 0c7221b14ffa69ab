package io.capkit.renderer;

import java.util.List;
import java.util.SortedMap;

/**
 * The rendered fleet as output files only (see {@link Renderer#renderFiles}).
 *
 * @param clusters how many clusters were rendered
 * @param files    path → bytes, sorted by path, exactly {@link RenderResult#files()} of the same input
 * @param warnings warnings of all clusters, in cluster order
 */
public record RenderedFiles(int clusters, SortedMap<String, byte[]> files, List<String> warnings) {}
