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
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  public static MemoryQuantity parse(String text) {
    String q = text == null ? "" : text;
    Matcher suffixed = BYTE_SUFFIXED.matcher(q);
    if (suffixed.matches()) {
      // Kubernetes spells kilo "k"; the contract's "KB" means the same.
      q = suffixed.group(1).endsWith("K") ? suffixed.group(1).replaceFirst("K$", "k") : suffixed.group(1);
    }
    if (!KUBERNETES.matcher(q).matches()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a memory quantity (e.g. 8GB, 8Gi, 8192Mi)");
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
    BigDecimal whole = amount.setScale(0, RoundingMode.CEILING);
    if (whole.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("\"" + text + "\" is too large");
    }
    return new MemoryQuantity(whole.longValueExact());
  }

  /** A problem message when {@code text} is not a memory quantity of at least {@link #MIN_NODE_MEBIBYTES}Mi. */
  public static java.util.Optional<String> checkNodeMemory(String text) {
    try {
      if (parse(text).mebibytes() < MIN_NODE_MEBIBYTES) {
        return java.util.Optional.of("\"" + text + "\" is less than " + MIN_NODE_MEBIBYTES + "Mi, too small for a node");
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
