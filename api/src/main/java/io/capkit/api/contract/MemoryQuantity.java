package io.capkit.api.contract;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory size such as {@code 8GB}, {@code 8Gi} or {@code 8192Mi}. Units follow Kubernetes quantities:
 * K/M/G/T (and KB/MB/GB/TB) are powers of 1000, Ki/Mi/Gi/Ti (and KiB/MiB/GiB/TiB) powers of 1024; a bare
 * number is bytes. The canonical form is whole mebibytes, {@code <n>Mi}, rounded up.
 */
public record MemoryQuantity(long bytes) {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,15})\\s?([KMGT]i?B?|[kmgt]i?b?|)");
  private static final long MIB = 1024L * 1024L;
  /** The least memory a machine may have: a node needs more to run kubelet and a container runtime. */
  public static final long MIN_MACHINE_MIB = 512;
  /** The most memory a machine may ask for, 16 TiB (the machine CPUs are capped at 512 likewise). */
  public static final long MAX_MACHINE_MIB = 16L * 1024 * 1024;

  public static MemoryQuantity parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a memory quantity (e.g. 8GB, 8Gi, 8192Mi)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2).toUpperCase(Locale.ROOT).replace("IB", "I").replace("B", "");
    long factor = switch (unit) {
      case "" -> 1L;
      case "K" -> 1000L;
      case "M" -> 1000L * 1000;
      case "G" -> 1000L * 1000 * 1000;
      case "T" -> 1000L * 1000 * 1000 * 1000;
      case "KI" -> 1024L;
      case "MI" -> MIB;
      case "GI" -> MIB * 1024;
      case "TI" -> MIB * 1024 * 1024;
      default -> throw new IllegalArgumentException("\"" + text + "\" has an unknown memory unit");
    };
    if (n == 0) {
      throw new IllegalArgumentException("\"" + text + "\" must be greater than zero");
    }
    if (n > Long.MAX_VALUE / factor) {
      throw new IllegalArgumentException("\"" + text + "\" is too large");
    }
    return new MemoryQuantity(n * factor);
  }

  /**
   * A machine's memory (the contract's *_MACHINE_MEMORY variables and KVMMachine spec.memory alike): a quantity
   * from 512Mi to 16Ti; a problem message, or empty.
   */
  public static java.util.Optional<String> checkMachine(String text) {
    MemoryQuantity q;
    try {
      q = parse(text);
    } catch (IllegalArgumentException e) {
      return java.util.Optional.of(e.getMessage());
    }
    if (q.mebibytes() < MIN_MACHINE_MIB) {
      return java.util.Optional.of("\"" + text + "\" is less than 512Mi, too small for a node");
    }
    if (q.mebibytes() > MAX_MACHINE_MIB) {
      return java.util.Optional.of("\"" + text + "\" is more than 16Ti, the most a machine may have");
    }
    return java.util.Optional.empty();
  }

  /** Whole mebibytes, rounded up. */
  public long mebibytes() {
    return (bytes + MIB - 1) / MIB;
  }

  /** The canonical text, {@code <n>Mi}. */
  public String canonical() {
    return mebibytes() + "Mi";
  }

  @Override
  public String toString() {
    return canonical();
  }
}
