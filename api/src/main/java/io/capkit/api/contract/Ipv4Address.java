package io.capkit.api.contract;

import java.util.ArrayList;
import java.util.List;

/** A dotted-quad IPv4 address, parsed strictly (four decimal octets 0-255, no leading zeros, no host names). */
public record Ipv4Address(long value) implements Comparable<Ipv4Address> {

  /** Parses {@code text}; throws {@link IllegalArgumentException} with a message a user can act on. */
  public static Ipv4Address parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("is required (an IPv4 address such as 192.168.10.20)");
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(text + " is not an IPv4 address");
    }
    long v = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
          || (p.length() > 1 && p.charAt(0) == '0') || Integer.parseInt(p) > 255) {
        throw new IllegalArgumentException(text + " is not an IPv4 address");
      }
      v = (v << 8) | Integer.parseInt(p);
    }
    return new Ipv4Address(v);
  }

  /** {@code first-last}, e.g. {@code 192.168.111.100-192.168.111.200}; the first must not come after the last. */
  public static List<Ipv4Address> parseRange(String text) {
    String[] ends = text.split("-", -1);
    if (ends.length != 2) {
      throw new IllegalArgumentException(text + " is not an address range (FIRST-LAST, e.g. 192.168.111.100-192.168.111.200)");
    }
    Ipv4Address first = parse(ends[0]);
    Ipv4Address last = parse(ends[1]);
    if (first.compareTo(last) > 0) {
      throw new IllegalArgumentException(text + " ends before it starts");
    }
    return List.of(first, last);
  }

  /** Comma-separated addresses, at least one. */
  public static List<Ipv4Address> parseList(String text) {
    List<Ipv4Address> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      out.add(parse(part.trim()));
    }
    return out;
  }

  /** True when {@code text} parses. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** True when both addresses share their first {@code prefix} bits. */
  public boolean sameNetwork(Ipv4Address other, int prefix) {
    long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    return (value & mask) == (other.value & mask);
  }

  @Override
  public int compareTo(Ipv4Address o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255);
  }
}
