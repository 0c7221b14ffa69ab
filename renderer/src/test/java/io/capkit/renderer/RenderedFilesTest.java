package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** The streaming path (encode each cluster as it renders) gives exactly the files of the object-tree path. */
class RenderedFilesTest {

  @Test
  void renderFilesMatchesRenderResultFiles() {
    RenderResult result = Renderer.standard().render(RepoFiles.exampleFleet(), RepoFiles.releases());
    RenderedFiles files = RenderedFiles.of(Renderer.standard(), RepoFiles.exampleFleet(), "", RepoFiles.releases(), "");
    SortedMap<String, byte[]> expected = result.files();
    assertFalse(expected.isEmpty());
    assertEquals(result.clusters().size(), files.clusters());
    assertEquals(expected.keySet(), files.files().keySet());
    expected.forEach((path, bytes) -> assertArrayEquals(bytes, files.files().get(path), path));
    assertEquals(result.warnings(), files.warnings());
  }
}
