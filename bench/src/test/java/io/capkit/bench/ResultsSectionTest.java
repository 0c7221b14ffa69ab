package io.capkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsSectionTest {
  private static final String DOC = """
      # Benchmark results

      ## Renderer

      renderer text

      ## Admission webhook

      old figures

      ## Provider

      provider text
      """;

  @Test
  void replacesOnlyItsOwnSection() {
    String out = ResultsSection.replace(DOC, "Admission webhook", "## Admission webhook\n\nnew figures\n");
    assertEquals(DOC.replace("old figures", "new figures"), out);
    // Running again changes nothing.
    assertEquals(out, ResultsSection.replace(out, "Admission webhook", "## Admission webhook\n\nnew figures\n"));
  }

  @Test
  void replacesTheLastSectionAndAppendsAMissingOne() {
    String last = "# R\n\n## Admission webhook\n\nold\n";
    assertEquals("# R\n\n## Admission webhook\n\nnew\n", ResultsSection.replace(last, "Admission webhook",
        "## Admission webhook\n\nnew"));
    assertEquals("# R\n\n## Other\n\nx\n\n## Admission webhook\n\nnew\n",
        ResultsSection.replace("# R\n\n## Other\n\nx\n", "Admission webhook", "## Admission webhook\n\nnew\n"));
    assertEquals("# Benchmark results\n\n## Admission webhook\n\nnew\n",
        ResultsSection.replace("", "Admission webhook", "## Admission webhook\n\nnew\n"));
  }

  @Test
  void replacesAFirstSectionAndOneInTheMiddle() {
    assertEquals("## KVM provider\n\nnew\n\n## Webhook\n\nw1\n", ResultsSection.replace(
        "## KVM provider\n\nold\n\n## Webhook\n\nw1\n", "KVM provider", "## KVM provider\n\nnew\n"));
    assertEquals("# Results\n\n## Renderer\n\nr1\n\n## KVM provider\n\nnew\n\n## Webhook\n\nw1\n",
        ResultsSection.replace("# Results\n\n## Renderer\n\nr1\n\n## KVM provider\n\nold\nlines\n\n## Webhook\n\nw1\n",
            "KVM provider", "## KVM provider\n\nnew\n"));
  }

  @Test
  void writesTheFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("RESULTS.md");
    Files.writeString(file, DOC);
    ResultsSection.write(file, "Admission webhook", "## Admission webhook\n\nnew figures\n");
    assertEquals(DOC.replace("old figures", "new figures"), Files.readString(file));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count());
    }
  }
}
