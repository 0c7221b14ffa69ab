package io.capkit.api.contract;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory size. Any Kubernetes quantity ({@code 8Gi}, {@code 8G}, {@code 1.5Gi}, {@code 1e9}, {@code 500m} — lower-case
 * {@code m} is milli), read by fabric8's {@link Quantity} and rounded up to whole bytes as Kubernetes does; and the
 * clusterctl contract's byte-suffixed forms ({@code 8GB} = {@code 8G}, {@code 8GiB} = {@code 8Gi}). The canonical
 * form is whole mebibytes, {@code <n>Mi}, rounded up.
 */
public record MemoryQuantity(long bytes) {
  /** The Kubernetes quantity grammar (apimachinery resource.Quantity), positive values only. */
  private static final Pattern KUBERNETES = Pattern.compile(
      "\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?");
  /** The contract's {@code 8GB}/{@code 8GiB} forms: a unit Kubernetes knows, then {@code B}. */
  private static final Pattern BYTE_SUFFIXED = Pattern.compile("(.*[0-9.](?:Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E))B");
  private static final long MIB = 1024L * 1024L;
  /** The least memory a node VM gets, for the contract's machine memory variables and KVMMachine specs alike. */
  public static final long MIN_NODE_MEBIBYTES = 512;
  /** The most memory a node VM may ask for, 16 TiB (its CPUs are capped at 512 likewise). */
  public static final long MAX_NODE_MEBIBYTES = 16L * 1024 * 1024;

  public static MemoryQuantity parse(String text) {
    return parse(text, true);
  }

  /** {@link #parse}; with {@code wholeBytes} false always through fabric8's Quantity (tests compare the two). */
  static MemoryQuantity parse(String text, boolean wholeBytes) {
    String q = text == null ? "" : text;
    Matcher suffixed = BYTE_SUFFIXED.matcher(q);
    if (suffixed.matches()) {
      // Kubernetes spells kilo "k"; the contract's "KB" means the same.
      q = suffixed.group(1).endsWith("K") ? suffixed.group(1).replaceFirst("K$", "k") : suffixed.group(1);
    }
    if (!KUBERNETES.matcher(q).matches()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a memory quantity (e.g. 8GB, 8Gi, 8192Mi)");
    }
    long whole = wholeBytes ? wholeBytes(q) : -1;
    if (whole > 0) {
      return new MemoryQuantity(whole);
    }
    BigDecimal amount;
    try {
      amount = Quantity.getAmountInBytes(Quantity.parse(q));
    } catch (ArithmeticException | IllegalArgumentException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a memory quantity (e.g. 8GB, 8Gi, 8192Mi)");
    }
    if (amount.signum() <= 0) {
      throw new IllegalArgumentException("\"" + text + "\" must be greater than zero");
    }
    BigDecimal rounded = amount.setScale(0, RoundingMode.CEILING);
    if (rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("\"" + text + "\" is too large");
    }
    return new MemoryQuantity(rounded.longValueExact());
  }

  // The forms nearly every file writes (a whole number, bare or with a binary or decimal suffix up to P) in long
  // arithmetic, the same bytes as Quantity (MemoryQuantityTest compares them) without BigDecimal, whose class
  // initialisation alone was ~15 ms of a one-file validate on JDK 25. -1 for any other form, zero or an overflow.
  private static long wholeBytes(String q) {
    int digits = 0;
    while (digits < q.length() && q.charAt(digits) >= '0' && q.charAt(digits) <= '9') {
      digits++;
    }
    if (digits == 0 || digits > 18 || q.charAt(0) == '0') {
      return -1;
    }
    long unit = switch (q.substring(digits)) {
      case "" -> 1L;
      case "Ki" -> 1L << 10;
      case "Mi" -> 1L << 20;
      case "Gi" -> 1L << 30;
      case "Ti" -> 1L << 40;
      case "Pi" -> 1L << 50;
      case "k" -> 1_000L;
      case "M" -> 1_000_000L;
      case "G" -> 1_000_000_000L;
      case "T" -> 1_000_000_000_000L;
      case "P" -> 1_000_000_000_000_000L;
      default -> -1L;
    };
    if (unit < 0) {
      return -1;
    }
    try {
      return Math.multiplyExact(Long.parseLong(q, 0, digits, 10), unit);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  /** A problem message when {@code text} is not a memory quantity from {@link #MIN_NODE_MEBIBYTES}Mi to 16Ti. */
  public static java.util.Optional<String> checkNodeMemory(String text) {
    try {
      long mib = parse(text).mebibytes();
      if (mib < MIN_NODE_MEBIBYTES) {
        return java.util.Optional.of("\"" + text + "\" is less than " + MIN_NODE_MEBIBYTES + "Mi, too small for a node");
      }
      if (mib > MAX_NODE_MEBIBYTES) {
        return java.util.Optional.of("\"" + text + "\" is more than 16Ti, the most a machine may have");
      }
      return java.util.Optional.empty();
    } catch (IllegalArgumentException e) {
      return java.util.Optional.of(e.getMessage());
    }
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
