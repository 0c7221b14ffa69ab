package io.capkit.gitops.diff;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A rendering's output files (path → bytes) and, for files the renderer wrote from objects it still holds, those
 * objects' documents as the renderer's YAML writer was given them (path → documents, in file order): a diff reads
 * their data from the documents ({@link WrittenDocuments}) rather than parsing the bytes again. Either way the data
 * are the same; files without documents are parsed.
 */
public record RenderedOutput(SortedMap<String, byte[]> files, Map<String, List<? extends Map<String, ?>>> documents) {
  /** No files. */
  public static final RenderedOutput EMPTY = new RenderedOutput(
      java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>()), Map.of());

  /** Files only: every file is parsed. */
  public static RenderedOutput of(SortedMap<String, byte[]> files) {
    return new RenderedOutput(files, Map.of());
  }
}
