package io.capkit.api.contract;

import java.math.BigInteger;
import java.util.Locale;

/**
 * An IPv4 or IPv6 CIDR block, parsed strictly (no host names, no host bits). A value: the network address is held as
 * an immutable number with its width in bits (32 or 128), so equal blocks are equal.
 */
public record Cidr(BigInteger network, int bits, int prefix) {

  /** Parses {@code text}; throws {@link IllegalArgumentException} with a message a user can act on. */
  public static Cidr parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("is required");
    }
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      throw new IllegalArgumentException(text + " is not a CIDR (expected ADDRESS/PREFIX, e.g. 172.24.0.0/16)");
    }
    String addr = text.substring(0, slash);
    String bits = text.substring(slash + 1);
    byte[] bytes = addr.contains(":") ? parseV6(addr, text) : parseV4(addr, text);
    int max = bytes.length * 8;
    int prefix;
    if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(text + " is not a CIDR (prefix length must be 0-" + max + ")");
    }
    prefix = Integer.parseInt(bits);
    if (prefix > max) {
      throw new IllegalArgumentException(text + " is not a CIDR (prefix length must be 0-" + max + ")");
    }
    BigInteger value = new BigInteger(1, bytes);
    BigInteger hostMask = BigInteger.ONE.shiftLeft(max - prefix).subtract(BigInteger.ONE);
    if (!value.and(hostMask).equals(BigInteger.ZERO)) {
      BigInteger net = value.andNot(hostMask);
      Cidr suggestion = new Cidr(net, max, prefix);
      throw new IllegalArgumentException(text + " has host bits set; did you mean " + suggestion + "?");
    }
    return new Cidr(value, max, prefix);
  }

  public boolean isV6() {
    return bits == 128;
  }

  /** True when the two blocks share at least one address. */
  public boolean overlaps(Cidr other) {
    if (bits != other.bits) {
      return false;
    }
    int shorter = Math.min(prefix, other.prefix);
    BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
        .xor(BigInteger.ONE.shiftLeft(bits - shorter).subtract(BigInteger.ONE));
    return network.and(mask).equals(other.network.and(mask));
  }

  private static byte[] parseV4(String addr, String text) {
    String[] parts = addr.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(text + " is not a CIDR (bad IPv4 address " + addr + ")");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
          || (p.length() > 1 && p.charAt(0) == '0')) {
        throw new IllegalArgumentException(text + " is not a CIDR (bad IPv4 address " + addr + ")");
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new IllegalArgumentException(text + " is not a CIDR (bad IPv4 address " + addr + ")");
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseV6(String addr, String text) {
    IllegalArgumentException bad = new IllegalArgumentException(text + " is not a CIDR (bad IPv6 address " + addr + ")");
    if (!addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':')) {
      throw bad;
    }
    int dc = addr.indexOf("::");
    if (dc >= 0 && addr.indexOf("::", dc + 1) >= 0) {
      throw bad;
    }
    String[] head = dc >= 0 ? split6(addr.substring(0, dc), bad) : split6(addr, bad);
    String[] tail = dc >= 0 ? split6(addr.substring(dc + 2), bad) : new String[0];
    int groups = head.length + tail.length;
    if ((dc < 0 && groups != 8) || (dc >= 0 && groups > 7)) {
      throw bad;
    }
    byte[] out = new byte[16];
    int[] all = new int[8];
    for (int i = 0; i < head.length; i++) {
      all[i] = group(head[i], bad);
    }
    for (int i = 0; i < tail.length; i++) {
      all[8 - tail.length + i] = group(tail[i], bad);
    }
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (all[i] >> 8);
      out[2 * i + 1] = (byte) all[i];
    }
    return out;
  }

  private static String[] split6(String s, IllegalArgumentException bad) {
    if (s.isEmpty()) {
      return new String[0];
    }
    String[] parts = s.split(":", -1);
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 4) {
        throw bad;
      }
    }
    return parts;
  }

  private static int group(String g, IllegalArgumentException bad) {
    try {
      return Integer.parseInt(g, 16);
    } catch (NumberFormatException e) {
      throw bad;
    }
  }

  private static byte[] toBytes(BigInteger v, int len) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[len];
    int copy = Math.min(raw.length, len);
    System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
    return out;
  }

  @Override
  public String toString() {
    byte[] network = toBytes(this.network, bits / 8);
    if (!isV6()) {
      return (network[0] & 0xff) + "." + (network[1] & 0xff) + "." + (network[2] & 0xff) + "."
          + (network[3] & 0xff) + "/" + prefix;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i > 0) {
        b.append(':');
      }
      b.append(Integer.toHexString(((network[2 * i] & 0xff) << 8) | (network[2 * i + 1] & 0xff)).toLowerCase(Locale.ROOT));
    }
    return b + "/" + prefix;
  }
}
