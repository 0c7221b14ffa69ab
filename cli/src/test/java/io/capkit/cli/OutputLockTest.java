package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output lock between processes: a render in another JVM is refused for as long as this one holds the lock. (Its
 * ownership check reads the lock file, and closing that read's descriptor drops a POSIX record lock: the lock must be
 * taken again after it; a streamed render holds the lock for the whole rendering, so a second process racing it would
 * otherwise have deleted the first one's new folder while it was being written.)
 */
class OutputLockTest {
  private static String probe(Path lockFile, Path out) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), OutputLockProbe.class.getName(), lockFile.toString(), out.toString())
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), text);
    return text;
  }

  @Test
  void anotherProcessIsRefusedWhileTheLockIsHeldAndGetsItAfterwards(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    Path lockFile = tmp.resolve(".out.capkit-lock");
    try (OutputLock held = OutputLock.acquire(lockFile, out)) {
      for (int i = 0; i < 2; i++) {
        String r = probe(lockFile, out);
        assertTrue(r.startsWith("refused: " + out + ": another capkit render is writing this folder"), r);
      }
    }
    assertEquals(false, Files.exists(lockFile), "the lock file is removed on release");
    assertEquals("acquired", probe(lockFile, out));
  }
}
