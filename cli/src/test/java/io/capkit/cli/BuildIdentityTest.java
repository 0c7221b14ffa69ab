package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildIdentityTest {
  @TempDir
  Path dir;

  @Test
  void centralDirectoryCheckSumsTheWholeDirectoryReadInChunks() throws IOException {
    // 3,000 entries with long names: a central directory of ~300 KB, read in several 64 KB chunks.
    Path jar = jar("a.jar", 3_000, "");
    long[] cd = centralDirectory(jar);
    byte[] whole = new byte[(int) cd[1]];
    ByteBuffer.wrap(Files.readAllBytes(jar), (int) cd[0], whole.length).get(whole);
    CRC32C c = new CRC32C();
    c.update(whole);
    CRC32 d = new CRC32();
    d.update(whole);
    String expected = Long.toHexString(c.getValue()) + Long.toHexString(d.getValue()) + "-" + whole.length;
    assertEquals(expected, BuildIdentity.centralDirectoryCheck(jar));
    assertEquals(expected, BuildIdentity.centralDirectoryCheck(jar), "the same jar, the same check");
  }

  @Test
  void anotherEntryGivesAnotherCheck() throws IOException {
    assertNotEquals(BuildIdentity.centralDirectoryCheck(jar("a.jar", 10, "")),
        BuildIdentity.centralDirectoryCheck(jar("b.jar", 10, "x")));
  }

  @Test
  void aFileWithoutEndRecordIsRefused() throws IOException {
    Path notJar = Files.write(dir.resolve("not.jar"), new byte[100]);
    assertThrows(UncheckedIOException.class, () -> BuildIdentity.centralDirectoryCheck(notJar));
  }

  private Path jar(String name, int entries, String suffix) throws IOException {
    Path jar = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < entries; i++) {
        ZipEntry e = new ZipEntry("io/capkit/some/rather/long/package/name/for/entries/Class" + i + suffix + ".class");
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write(("content " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return jar;
  }

  // {offset, size} of the central directory, from the end record (no comment in these jars).
  private static long[] centralDirectory(Path jar) throws IOException {
    byte[] all = Files.readAllBytes(jar);
    ByteBuffer end = ByteBuffer.wrap(all, all.length - 22, 22).slice().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0x06054b50, end.getInt(0));
    return new long[] {Integer.toUnsignedLong(end.getInt(16)), Integer.toUnsignedLong(end.getInt(12))};
  }
}
