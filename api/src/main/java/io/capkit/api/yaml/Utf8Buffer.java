package io.capkit.api.yaml;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer of UTF-8 bytes for emitters that write bytes directly (no {@code StringBuilder → String →
 * byte[]} copies): ASCII goes in byte by byte, anything else is encoded as it is appended.
 */
public final class Utf8Buffer {
  private byte[] bytes;
  private int length;

  public Utf8Buffer(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  public int length() {
    return length;
  }

  /** Drops everything from {@code at} on (an emitter that wrote ahead takes it back). */
  public void truncate(int at) {
    length = at;
  }

  /** Empties the buffer, keeping its storage for the next use. */
  public void clear() {
    length = 0;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  /** One ASCII character ({@code c < 0x80}). */
  public void ascii(char c) {
    if (length == bytes.length) {
      ensure(1);
    }
    bytes[length++] = (byte) c;
  }

  /** {@code n} copies of the ASCII character {@code c}. */
  public void repeat(char c, int n) {
    ensure(n);
    Arrays.fill(bytes, length, length + n, (byte) c);
    length += n;
  }

  /** Text the caller checked is all ASCII ({@code < 0x80}), copied in one go. */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) copies the low byte of each char: ASCII here
  public void appendAscii(String s) {
    int n = s.length();
    ensure(n);
    s.getBytes(0, n, bytes, length);
    length += n;
  }

  /** Any text, encoded as UTF-8 (ASCII copied byte by byte). */
  public void append(CharSequence s) {
    append(s, 0, s.length());
  }

  /** Characters {@code from} (inclusive) to {@code to} (exclusive) of {@code s}, encoded as UTF-8. */
  public void append(CharSequence s, int from, int to) {
    ensure(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        // The rest is not all ASCII: encode it whole (surrogate pairs included).
        byte[] rest = s.subSequence(i, to).toString().getBytes(StandardCharsets.UTF_8);
        ensure(rest.length);
        System.arraycopy(rest, 0, bytes, length, rest.length);
        length += rest.length;
        return;
      }
      bytes[length++] = (byte) c;
    }
  }

  /** Bytes, as they are (already encoded). */
  public void append(byte[] encoded) {
    ensure(encoded.length);
    System.arraycopy(encoded, 0, bytes, length, encoded.length);
    length += encoded.length;
  }

  /** The bytes from {@code from} (inclusive) to {@code to} (exclusive), as a new array. */
  public byte[] copy(int from, int to) {
    return Arrays.copyOfRange(bytes, from, to);
  }

  /** The bytes written so far, as a new array. */
  public byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  /** The text written so far. */
  @Override
  public String toString() {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}
