package io.capkit.bench.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsSectionTest {

  @Test
  void replacesOnlyItsOwnSectionAndKeepsTheOthers() {
    String text = "# Results\n\n## Renderer\n\nr1\n\n## KVM provider\n\nold\nlines\n\n## Webhook\n\nw1\n";
    assertEquals("# Results\n\n## Renderer\n\nr1\n\n## KVM provider\n\nnew\n\n## Webhook\n\nw1\n",
        ResultsSection.replaced(text, "KVM provider", "new\n"));
  }

  @Test
  void appendsWhenMissingAndReplacesALastOrFirstSection() {
    assertEquals("## KVM provider\n\nnew\n", ResultsSection.replaced("", "KVM provider", "new"));
    assertEquals("## Renderer\n\nr1\n\n## KVM provider\n\nnew\n",
        ResultsSection.replaced("## Renderer\n\nr1\n", "KVM provider", "new\n"));
    assertEquals("## KVM provider\n\nnew\n\n## Webhook\n\nw1\n",
        ResultsSection.replaced("## KVM provider\n\nold\n\n## Webhook\n\nw1\n", "KVM provider", "new\n"));
    assertEquals("## Renderer\n\nr1\n\n## KVM provider\n\nnew\n",
        ResultsSection.replaced("## Renderer\n\nr1\n\n## KVM provider\n\nold\n", "KVM provider", "new\n"));
  }

  @Test
  void writesTheFileInPlace(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("RESULTS.md");
    ResultsSection.replace(file, "KVM provider", "a\n");
    ResultsSection.replace(file, "KVM provider", "b\n");
    assertEquals("## KVM provider\n\nb\n", Files.readString(file));
    assertEquals(1, Files.list(dir).count(), "no temp file left behind");
  }
}
