package io.capkit.bench.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One {@code ## title} section of bench/RESULTS.md, replaced in place (temp file + rename) so that the sections other
 * benchmarks write stay as they are; a missing file or section is created.
 */
final class ResultsSection {
  private ResultsSection() {}

  static void replace(Path file, String title, String body) throws IOException {
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    Files.writeString(temp(file), replaced(text, title, body), StandardCharsets.UTF_8);
    Files.move(temp(file), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** {@code text} with the section {@code ## title} (up to the next {@code ## } heading) replaced or appended. */
  static String replaced(String text, String title, String body) {
    String heading = "## " + title + "\n";
    String section = heading + "\n" + (body.endsWith("\n") ? body : body + "\n");
    int start = text.startsWith(heading) ? 0 : text.indexOf("\n" + heading);
    if (start < 0) {
      String sep = text.isEmpty() ? "" : text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
      return text + sep + section;
    }
    if (start > 0) {
      start++;
    }
    int end = text.indexOf("\n## ", start + heading.length() - 1);
    String rest = end < 0 ? "" : "\n" + text.substring(end + 1);
    return text.substring(0, start) + section + rest;
  }

  private static Path temp(Path file) {
    return file.resolveSibling(file.getFileName() + ".tmp");
  }
}
