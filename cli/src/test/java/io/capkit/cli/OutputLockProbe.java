package io.capkit.cli;

import io.capkit.api.InvalidInputException;
import java.nio.file.Path;

/** Run in a second JVM by {@link OutputLockTest}: tries to take the lock and prints what happened. */
public final class OutputLockProbe {
  private OutputLockProbe() {}

  public static void main(String[] args) throws Exception {
    try (OutputLock lock = OutputLock.acquire(Path.of(args[0]), Path.of(args[1]))) {
      System.out.println("acquired");
    } catch (InvalidInputException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }
}
