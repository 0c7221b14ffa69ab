package io.capkit.provider.libvirt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class SshKeyFilesTest {
  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void writesAnOwnerOnlyFileInAnOwnerOnlyDirectoryAndDeletesThemOnClose() throws Exception {
    Path dir;
    Path file;
    try (SshKeyFiles files = SshKeyFiles.create()) {
      dir = files.directory();
      file = files.write("kvm-1", "10", key("KEY-ONE"));
      assertEquals(dir, file.getParent());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertArrayEquals(key("KEY-ONE"), Files.readAllBytes(file));
      try (var list = Files.list(dir)) {
        assertEquals(1, list.count(), "no temporary file is left behind");
      }
    }
    assertFalse(Files.exists(file));
    assertFalse(Files.exists(dir));
  }

  @Test
  void rewritesOnlyWhenTheResourceVersionChanges() throws Exception {
    try (SshKeyFiles files = SshKeyFiles.create()) {
      Path file = files.write("kvm-1", "10", key("KEY-ONE"));
      // Same version: the file stays as it was, even if handed other bytes.
      assertEquals(file, files.write("kvm-1", "10", key("IGNORED")));
      assertArrayEquals(key("KEY-ONE"), Files.readAllBytes(file));
      assertEquals(file, files.write("kvm-1", "11", key("KEY-TWO")));
      assertArrayEquals(key("KEY-TWO"), Files.readAllBytes(file));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      files.forget("kvm-1");
      assertFalse(Files.exists(file));
      // Forgotten: the same version is written again.
      assertArrayEquals(key("KEY-ONE"), Files.readAllBytes(files.write("kvm-1", "10", key("KEY-ONE"))));
    }
  }

  @Test
  void hostNamesMustBeKvmHostNamesSoNoPathEscapesTheDirectory() {
    try (SshKeyFiles files = SshKeyFiles.create()) {
      for (String bad : new String[] {"../x", "a/b", "", ".hidden", "UPPER"}) {
        assertThrows(IllegalArgumentException.class, () -> files.write(bad, "1", key("K")), bad);
      }
      assertTrue(files.write("a-1", "1", key("K")).getFileName().toString().equals("a-1.key"));
    }
  }
}
