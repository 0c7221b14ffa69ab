package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.RoundingMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kubernetes quantities read as Kubernetes (and fabric8's Quantity) read them; the contract's "8GB" form too. */
class MemoryQuantityTest {

  @Test
  void lowercaseMIsMilliNotMega() {
    assertEquals(1, MemoryQuantity.parse("500m").bytes(), "500m is half a byte, rounded up as Kubernetes does");
    assertEquals(1000L * 1000 * 500, MemoryQuantity.parse("500M").bytes());
  }

  @Test
  void decimalsAndExponentsAreQuantities() {
    assertEquals(1536L * 1024 * 1024, MemoryQuantity.parse("1.5Gi").bytes());
    assertEquals(1_000_000_000L, MemoryQuantity.parse("1e9").bytes());
    assertEquals(512, MemoryQuantity.parse(".5Ki").bytes());
  }

  @Test
  void bytesMatchFabric8QuantityForEveryKubernetesForm() {
    for (String s : List.of("1", "1024", "1k", "1Ki", "8M", "8Mi", "8G", "8Gi", "1T", "1Ti", "1P", "1Pi", "1.5Gi",
        "0.5G", "2048m", "1e3", "1E6", "12345678n", "100u")) {
      long expected = Quantity.getAmountInBytes(Quantity.parse(s)).setScale(0, RoundingMode.CEILING).longValueExact();
      assertEquals(expected, MemoryQuantity.parse(s).bytes(), s);
    }
  }

  @Test
  void theContractsByteSuffixedFormsStay() {
    assertEquals(8_000_000_000L, MemoryQuantity.parse("8GB").bytes());
    assertEquals(8L * 1024 * 1024 * 1024, MemoryQuantity.parse("8GiB").bytes());
    assertEquals("7630Mi", MemoryQuantity.parse("8GB").canonical());
  }

  @Test
  void refusesWhatKubernetesRefuses() {
    for (String s : List.of("", "8XB", "8 Gi", "-1Gi", "0", "8gi", "1.2.3Gi", "Gi", "8Gib", "8mB", "8iB")) {
      assertThrows(IllegalArgumentException.class, () -> MemoryQuantity.parse(s), s);
    }
  }

  @Test
  void wholeNumbersReadInLongArithmeticGiveQuantitysBytes() {
    int compared = 0;
    for (String unit : List.of("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E", "m", "KiB",
        "GB", "GiB", "kB", "KB")) {
      for (String n : List.of("1", "7", "8", "512", "1023", "1024", "8192", "16384", "99999", "8191", "8192",
          "9007199254740993", "922337203685477580", "9223372036854775807", "9223372036854775808",
          "99999999999999999999", "0", "00", "08", "1.5", "+8")) {
        String text = n + unit;
        assertEquals(outcome(() -> MemoryQuantity.parse(text, false)), outcome(() -> MemoryQuantity.parse(text)), text);
        compared++;
      }
    }
    assertEquals(19 * 21, compared);
  }

  private static String outcome(java.util.function.Supplier<MemoryQuantity> parse) {
    try {
      return "bytes " + parse.get().bytes();
    } catch (IllegalArgumentException e) {
      return "refused: " + e.getMessage();
    }
  }
}
