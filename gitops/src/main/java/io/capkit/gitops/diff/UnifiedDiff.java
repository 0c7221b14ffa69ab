package io.capkit.gitops.diff;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.HistogramDiff;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/** A unified line diff of two texts (JGit's histogram diff), with three lines of context, as git prints it. */
public final class UnifiedDiff {
  private static final DiffAlgorithm ALGORITHM = new HistogramDiff();

  private UnifiedDiff() {}

  /** {@code --- a/name}, {@code +++ b/name} and the hunks; empty when the texts are equal. */
  public static String of(String name, String before, String after) {
    RawText a = new RawText(before.getBytes(StandardCharsets.UTF_8));
    RawText b = new RawText(after.getBytes(StandardCharsets.UTF_8));
    EditList edits = ALGORITHM.diff(RawTextComparator.DEFAULT, a, b);
    if (edits.isEmpty()) {
      return "";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DiffFormatter f = new DiffFormatter(out)) {
      f.setContext(3);
      out.write(("--- a/" + name + "\n+++ b/" + name + "\n").getBytes(StandardCharsets.UTF_8));
      f.format(edits, a, b);
      f.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
