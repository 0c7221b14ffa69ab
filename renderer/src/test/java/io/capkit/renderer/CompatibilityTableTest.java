package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compatibility table in the README is generated from the matrix; the checked-in copy must not drift. */
class CompatibilityTableTest {
  private final CompatibilityMatrix matrix = CompatibilityMatrix.standard();

  @Test
  void readmeCarriesTheFlavorTable() throws IOException {
    Path readme = RepoFiles.root().resolve("README.md");
    String text = Files.readString(readme);
    String begin = "<!-- flavors:begin -->\n";
    String end = "<!-- flavors:end -->";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    assertTrue(b >= 0 && e > b, "README.md needs the flavors:begin/end markers");
    String table = CompatibilityTable.markdown(matrix);
    if (RepoFiles.updating()) {
      Files.writeString(readme, text.substring(0, b + begin.length()) + table + text.substring(e));
    } else {
      assertEquals(table, text.substring(b + begin.length(), e),
          "README.md's flavor table drifted from compatibility.yaml (run with -Dgolden.update=true)");
    }
  }

  @Test
  void everyFlavorAndContractHasARowWithVersionsOrAReason() {
    List<List<String>> rows = CompatibilityTable.rows(matrix);
    assertEquals(matrix.flavors().size() * matrix.contracts().size(), rows.size());
    assertTrue(rows.contains(List.of("byoh-metal3", "v1beta1", "yes", "kubeadm on BYOH hosts", "Metal3",
        "bootstrap.cluster.x-k8s.io/v1beta1, cluster.x-k8s.io/v1beta1, controlplane.cluster.x-k8s.io/v1beta1, "
            + "infrastructure.cluster.x-k8s.io/v1beta1")), rows.toString());
    for (List<String> row : rows) {
      assertTrue(!row.get(5).isBlank(), row.toString());
    }
  }

  @Test
  void textIsAlignedAndYamlParses() {
    String text = CompatibilityTable.text(matrix);
    String[] lines = text.split("\n");
    assertEquals(1 + matrix.verdicts().size(), lines.length);
    int contractColumn = lines[0].indexOf("CONTRACT");
    for (String line : lines) {
      assertTrue(line.substring(contractColumn).startsWith("v1beta") || line.startsWith("FLAVOR"), line);
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> flavors = (List<Map<String, Object>>) YamlDocuments.loadOne("flavors.yaml",
        CompatibilityTable.yaml(matrix)).get("flavors");
    assertEquals(matrix.verdicts().size(), flavors.size());
    Map<String, Object> nested = flavors.stream().filter(f -> f.get("flavor").equals("nested-metal3")).findFirst()
        .orElseThrow();
    assertEquals(false, nested.get("supported"));
    assertTrue(String.valueOf(nested.get("reason")).contains("no scheduler"));
  }
}
