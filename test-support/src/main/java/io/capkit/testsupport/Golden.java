package io.capkit.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Golden files: compare output with a checked-in file; {@code -Dgolden.update=true} rewrites it. */
public final class Golden {
  private Golden() {}

  public static boolean updating() {
    return Boolean.getBoolean("golden.update");
  }

  /** Returns null when {@code actual} matches the file (or the file was rewritten), else a message. */
  public static String check(Path file, String actual) {
    try {
      if (updating()) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return null;
      }
      if (!Files.exists(file)) {
        return file + " does not exist (run with -Dgolden.update=true and review it)";
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      return expected.equals(actual) ? null
          : file + " differs from the output (run with -Dgolden.update=true and review the diff)";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
