package io.capkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replaces one {@code ## } section of bench/RESULTS.md and leaves the sections other benchmarks write alone: the one
 * writer all four benchmarks (renderer, KVM provider, admission webhook, GitOps) use.
 */
public final class ResultsSection {
  private ResultsSection() {}

  /**
   * The document with the section headed {@code heading} (a line {@code ## heading}) replaced by {@code section}
   * (which starts with that heading line), or with it appended when the document has no such section.
   */
  public static String replace(String document, String heading, String section) {
    String head = "## " + heading;
    String body = section.endsWith("\n") ? section : section + "\n";
    String[] lines = document.split("\n", -1);
    int start = -1;
    int end = lines.length;
    for (int i = 0; i < lines.length; i++) {
      if (start < 0 && lines[i].strip().equals(head)) {
        start = i;
      } else if (start >= 0 && lines[i].startsWith("## ")) {
        end = i;
        break;
      }
    }
    StringBuilder out = new StringBuilder();
    if (start < 0) {
      String base = document.isEmpty() ? "# Benchmark results\n" : document;
      out.append(base);
      if (!base.endsWith("\n")) {
        out.append('\n');
      }
      return out.append('\n').append(body).toString();
    }
    for (int i = 0; i < start; i++) {
      out.append(lines[i]).append('\n');
    }
    out.append(body);
    if (end < lines.length) {
      out.append('\n');
      for (int i = end; i < lines.length; i++) {
        out.append(lines[i]);
        if (i < lines.length - 1) {
          out.append('\n');
        }
      }
    }
    return out.toString();
  }

  /** Rewrites the section in the file atomically (temp file beside it, then rename). */
  public static void write(Path file, String heading, String section) throws IOException {
    String document = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".RESULTS", ".tmp");
    try {
      Files.writeString(tmp, replace(document, heading, section), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
