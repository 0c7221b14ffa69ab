package io.capkit.provider.machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A minimal ISO 9660 image writer with Joliet names: one root directory of small files, as a NoCloud seed needs.
 * Output depends only on the label and the files (no clock): every timestamp is the fixed {@link #EPOCH}.
 *
 * <p>Layout, in 2048-byte sectors: 0-15 system area, 16 primary volume descriptor, 17 Joliet supplementary
 * descriptor, 18 terminator, 19-22 path tables (ISO L/M, Joliet L/M), 23 ISO root directory, 24 Joliet root
 * directory, then the file contents, each starting on a sector.
 */
public final class Iso9660Image {
  static final int SECTOR = 2048;
  private static final int PVD = 16;
  private static final int PATH_TABLES = 19;
  private static final int ISO_ROOT = 23;
  private static final int JOLIET_ROOT = 24;
  private static final int FIRST_FILE = 25;
  private static final int PATH_TABLE_SIZE = 10;
  /** 1980-01-01 00:00:00 UTC as a 7-byte directory record date (years since 1900). */
  private static final byte[] EPOCH = {80, 1, 1, 0, 0, 0, 0};

  private Iso9660Image() {}

  private record Entry(String isoName, String jolietName, byte[] content, int sector) {}

  public static byte[] write(String label, Map<String, byte[]> files) {
    if (label.isEmpty() || label.length() > 16) {
      throw new IllegalArgumentException("volume label must have 1 to 16 characters: " + label);
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> isoNames = new HashSet<>();
    int sector = FIRST_FILE;
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String isoName = isoName(f.getKey());
      if (!isoNames.add(isoName)) {
        throw new IllegalArgumentException("two files map to the ISO name " + isoName);
      }
      if (f.getKey().length() > 64) {
        throw new IllegalArgumentException("file name longer than 64 characters: " + f.getKey());
      }
      entries.add(new Entry(isoName, f.getKey(), f.getValue(), sector));
      sector += sectors(f.getValue().length);
    }
    int total = sector;
    ByteBuffer img = ByteBuffer.allocate(total * SECTOR);
    volumeDescriptor(img, PVD, false, label, total);
    volumeDescriptor(img, PVD + 1, true, label, total);
    img.put((PVD + 2) * SECTOR, (byte) 255);
    img.put((PVD + 2) * SECTOR + 1, "CD001".getBytes(StandardCharsets.US_ASCII));
    img.put((PVD + 2) * SECTOR + 6, (byte) 1);
    pathTable(img, PATH_TABLES, ISO_ROOT, ByteOrder.LITTLE_ENDIAN);
    pathTable(img, PATH_TABLES + 1, ISO_ROOT, ByteOrder.BIG_ENDIAN);
    pathTable(img, PATH_TABLES + 2, JOLIET_ROOT, ByteOrder.LITTLE_ENDIAN);
    pathTable(img, PATH_TABLES + 3, JOLIET_ROOT, ByteOrder.BIG_ENDIAN);
    directory(img, ISO_ROOT, entries.stream().sorted(Comparator.comparing(Entry::isoName))
        .map(e -> record(e.sector, e.content.length, false, e.isoName.getBytes(StandardCharsets.US_ASCII)))
        .toList());
    directory(img, JOLIET_ROOT, entries.stream().sorted(Comparator.comparing(Entry::jolietName))
        .map(e -> record(e.sector, e.content.length, false, e.jolietName.getBytes(StandardCharsets.UTF_16BE)))
        .toList());
    for (Entry e : entries) {
      img.put(e.sector * SECTOR, e.content);
    }
    return img.array();
  }

  /** ISO 9660 level 1 name: upper-case d-characters, 8.3, version ";1" (e.g. META_DAT.;1). */
  static String isoName(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    int dot = upper.lastIndexOf('.');
    String base = dot < 0 ? upper : upper.substring(0, dot);
    String ext = dot < 0 ? "" : upper.substring(dot + 1);
    return dchars(base, 8) + "." + dchars(ext, 3) + ";1";
  }

  private static String dchars(String s, int max) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (b.length() == max) {
        break;
      }
      b.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return b.toString();
  }

  private static int sectors(int bytes) {
    return (bytes + SECTOR - 1) / SECTOR;
  }

  private static void volumeDescriptor(ByteBuffer img, int sector, boolean joliet, String label, int total) {
    int o = sector * SECTOR;
    img.put(o, (byte) (joliet ? 2 : 1));
    img.put(o + 1, "CD001".getBytes(StandardCharsets.US_ASCII));
    img.put(o + 6, (byte) 1);
    text(img, o + 8, 32, "", joliet);
    text(img, o + 40, 32, label, joliet);
    bothEndian32(img, o + 80, total);
    if (joliet) {
      // Escape sequence "%/E": UCS-2 level 3, which marks this descriptor as Joliet.
      img.put(o + 88, new byte[] {0x25, 0x2f, 0x45});
    }
    bothEndian16(img, o + 120, 1);
    bothEndian16(img, o + 124, 1);
    bothEndian16(img, o + 128, SECTOR);
    bothEndian32(img, o + 132, PATH_TABLE_SIZE);
    int lTable = joliet ? PATH_TABLES + 2 : PATH_TABLES;
    img.order(ByteOrder.LITTLE_ENDIAN).putInt(o + 140, lTable);
    img.order(ByteOrder.BIG_ENDIAN).putInt(o + 148, lTable + 1);
    img.put(o + 156, record(joliet ? JOLIET_ROOT : ISO_ROOT, SECTOR, true, new byte[] {0}));
    for (int field : new int[] {190, 318, 446, 574}) {
      text(img, o + field, 128, "", joliet);
    }
    for (int field : new int[] {702, 739, 776}) {
      text(img, o + field, 37, "", joliet);
    }
    for (int field : new int[] {813, 830, 847, 864}) {
      // "Not specified" dates: sixteen '0' digits and a zero offset.
      img.put(o + field, "0000000000000000".getBytes(StandardCharsets.US_ASCII));
    }
    img.put(o + 881, (byte) 1);
  }

  /** A fixed-width identifier: ASCII padded with spaces, or UCS-2 big-endian padded with U+0020 for Joliet. */
  private static void text(ByteBuffer img, int at, int width, String s, boolean joliet) {
    byte[] field = new byte[width];
    if (joliet) {
      for (int i = 0; i + 1 < width; i += 2) {
        char c = i / 2 < s.length() ? s.charAt(i / 2) : ' ';
        field[i] = (byte) (c >> 8);
        field[i + 1] = (byte) c;
      }
      if (width % 2 == 1) {
        field[width - 1] = 0;
      }
    } else {
      Arrays.fill(field, (byte) ' ');
      byte[] ascii = s.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(ascii, 0, field, 0, Math.min(width, ascii.length));
    }
    img.put(at, field);
  }

  private static void pathTable(ByteBuffer img, int sector, int rootSector, ByteOrder order) {
    int o = sector * SECTOR;
    img.put(o, (byte) 1);
    img.order(order).putInt(o + 2, rootSector);
    img.order(order).putShort(o + 6, (short) 1);
    img.order(ByteOrder.BIG_ENDIAN);
  }

  private static void directory(ByteBuffer img, int sector, List<byte[]> files) {
    List<byte[]> records = new ArrayList<>();
    records.add(record(sector, SECTOR, true, new byte[] {0}));
    records.add(record(sector, SECTOR, true, new byte[] {1}));
    records.addAll(files);
    int o = sector * SECTOR;
    for (byte[] r : records) {
      if (o + r.length > (sector + 1) * SECTOR) {
        throw new IllegalArgumentException("too many files for a one-sector directory");
      }
      img.put(o, r);
      o += r.length;
    }
  }

  private static byte[] record(int extent, int length, boolean directory, byte[] name) {
    int size = 33 + name.length + (name.length % 2 == 0 ? 1 : 0);
    ByteBuffer r = ByteBuffer.allocate(size);
    r.put(0, (byte) size);
    bothEndian32(r, 2, extent);
    bothEndian32(r, 10, length);
    r.put(18, EPOCH);
    r.put(25, (byte) (directory ? 2 : 0));
    bothEndian16(r, 28, 1);
    r.put(32, (byte) name.length);
    r.put(33, name);
    return r.array();
  }

  private static void bothEndian32(ByteBuffer b, int at, int v) {
    b.order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
    b.order(ByteOrder.BIG_ENDIAN).putInt(at + 4, v);
  }

  private static void bothEndian16(ByteBuffer b, int at, int v) {
    b.order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) v);
    b.order(ByteOrder.BIG_ENDIAN).putShort(at + 2, (short) v);
  }
}
