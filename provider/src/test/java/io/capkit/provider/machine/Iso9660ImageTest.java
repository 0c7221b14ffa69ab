package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Iso9660ImageTest {

  private static Map<String, byte[]> files() {
    Map<String, byte[]> f = new LinkedHashMap<>();
    f.put("meta-data", "instance-id: a\n".getBytes(StandardCharsets.UTF_8));
    f.put("user-data", new byte[5000]);
    f.put("network-config", new byte[0]);
    return f;
  }

  @Test
  void descriptorsCarryLabelAndSizeAndContentIsSectorAligned() {
    byte[] iso = Iso9660Image.write("cidata", files());
    assertEquals(0, iso.length % Iso9660Image.SECTOR);
    // 25 fixed sectors, then meta-data (1 sector) and user-data (3 sectors); the empty file takes none.
    assertEquals(29, iso.length / Iso9660Image.SECTOR);
    int pvd = 16 * Iso9660Image.SECTOR;
    assertEquals(1, iso[pvd]);
    assertEquals("CD001", new String(iso, pvd + 1, 5, StandardCharsets.US_ASCII));
    assertEquals("cidata", new String(iso, pvd + 40, 32, StandardCharsets.US_ASCII).trim());
    assertEquals(29, (iso[pvd + 80] & 0xff) | (iso[pvd + 81] & 0xff) << 8);
    int svd = 17 * Iso9660Image.SECTOR;
    assertEquals(2, iso[svd]);
    assertEquals("cidata", new String(iso, svd + 40, 32, StandardCharsets.UTF_16BE).trim());
    assertEquals((byte) 255, iso[18 * Iso9660Image.SECTOR]);
    assertArrayEquals("instance-id: a\n".getBytes(StandardCharsets.UTF_8),
        Arrays.copyOfRange(iso, 25 * Iso9660Image.SECTOR, 25 * Iso9660Image.SECTOR + 15));
  }

  @Test
  void sameFilesGiveSameBytes() {
    assertArrayEquals(Iso9660Image.write("cidata", files()), Iso9660Image.write("cidata", files()));
  }

  @Test
  void isoNamesAreLevelOneDcharacters() {
    assertEquals("META_DAT.;1", Iso9660Image.isoName("meta-data"));
    assertEquals("NETWORK_.;1", Iso9660Image.isoName("network-config"));
    assertEquals("A.TXT;1", Iso9660Image.isoName("a.txt"));
  }
}
