package io.capkit.renderer;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.renderer.yaml.YamlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The compatibility matrix as users read it: one row per flavor × CAPI contract, supported with the API versions it
 * renders, or refused with the reason. Markdown for the README, aligned text and YAML for {@code capkit flavors}.
 */
public final class CompatibilityTable {
  private static final List<String> HEADER = List.of("FLAVOR", "CONTRACT", "SUPPORTED", "CONTROL PLANE", "WORKERS",
      "API VERSIONS OR REASON");

  private CompatibilityTable() {}

  /** Rows in matrix order: flavors as listed, contracts oldest first. */
  public static List<List<String>> rows(CompatibilityMatrix matrix) {
    List<List<String>> rows = new ArrayList<>();
    for (CompatibilityMatrix.Verdict v : matrix.verdicts()) {
      CompatibilityMatrix.FlavorEntry f = matrix.flavor(v.flavor()).orElseThrow();
      rows.add(List.of(v.flavor(), v.contract(), v.supported() ? "yes" : "refused", f.controlPlane(), f.workers(),
          v.supported() ? String.join(", ", v.apiVersions().values().stream().distinct().toList()) : v.reason()));
    }
    return rows;
  }

  /** The Markdown table for the README (between the flavors:begin/end markers). */
  public static String markdown(CompatibilityMatrix matrix) {
    StringBuilder b = new StringBuilder();
    b.append("| Flavor | Contract | Supported | Control plane | Workers | API versions or reason |\n");
    b.append("| --- | --- | --- | --- | --- | --- |\n");
    for (List<String> row : rows(matrix)) {
      b.append("|");
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i).replace("|", "\\|");
        b.append(' ').append(i == 0 ? "`" + cell + "`" : cell).append(" |");
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** Aligned columns for a terminal; the last column is not padded. */
  public static String text(CompatibilityMatrix matrix) {
    List<List<String>> all = new ArrayList<>();
    all.add(HEADER);
    all.addAll(rows(matrix));
    int[] width = new int[HEADER.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size() - 1; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (List<String> row : all) {
      for (int i = 0; i < row.size() - 1; i++) {
        b.append(row.get(i)).append(" ".repeat(width[i] - row.get(i).length() + 2));
      }
      b.append(row.get(row.size() - 1)).append('\n');
    }
    return b.toString();
  }

  /** One YAML document listing every verdict, for scripts. */
  public static String yaml(CompatibilityMatrix matrix) {
    return YamlWriter.write(OrderedMap.of("flavors", documents(matrix)));
  }

  /** The verdicts as ordered maps (YAML and JSON share them). */
  public static List<Map<String, Object>> documents(CompatibilityMatrix matrix) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (CompatibilityMatrix.Verdict v : matrix.verdicts()) {
      CompatibilityMatrix.FlavorEntry f = matrix.flavor(v.flavor()).orElseThrow();
      out.add(OrderedMap.of(
          "flavor", v.flavor(),
          "contract", v.contract(),
          "supported", v.supported(),
          "controlPlane", f.controlPlane(),
          "workers", f.workers(),
          "components", v.components(),
          "apiVersions", v.supported() ? new java.util.LinkedHashMap<String, Object>(v.apiVersions()) : null,
          "reason", v.reason(),
          "source", f.source()));
    }
    return out;
  }
}
