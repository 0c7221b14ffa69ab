package io.capkit.renderer;

import java.util.List;

/** Where each setting of one cluster comes from: what {@code capkit explain} prints. */
public record Explanation(String cluster, List<Row> rows) {
  /** One setting, its effective value and the layer or file it came from. */
  public record Row(String name, String value, String origin) {}

  /** A plain-text table with aligned columns. */
  public String table() {
    int w1 = "VARIABLE".length();
    int w2 = "VALUE".length();
    for (Row r : rows) {
      w1 = Math.max(w1, r.name().length());
      w2 = Math.max(w2, r.value().length());
    }
    StringBuilder b = new StringBuilder();
    line(b, "VARIABLE", w1, "VALUE", w2, "ORIGIN");
    for (Row r : rows) {
      line(b, r.name(), w1, r.value(), w2, r.origin());
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String a, int w1, String v, int w2, String o) {
    b.append(a).append(" ".repeat(w1 - a.length() + 2)).append(v).append(" ".repeat(w2 - v.length() + 2))
        .append(o).append('\n');
  }
}
