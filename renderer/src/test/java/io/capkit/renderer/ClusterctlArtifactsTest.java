package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.contract.Variable;
import io.capkit.api.source.DirectoryTree;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.renderer.kvm.KvmFlavor;
import io.capkit.renderer.schema.CrdSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** clusterctl artifacts and the README variable table are generated from the contract; checked-in copies must not drift. */
class ClusterctlArtifactsTest {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Z_]+)(?::=([^}]*))?}");
  private final Contract contract = Contract.standard();

  @Test
  void clusterTemplateIsUpToDate() {
    RepoFiles.assertFile(RepoFiles.root().resolve("clusterctl/cluster-template.yaml"),
        ClusterctlArtifacts.clusterTemplate(contract, new KvmFlavor()));
  }

  @Test
  void metadataIsUpToDate() {
    String metadata = ClusterctlArtifacts.metadata(ReleaseCatalog.read(RepoFiles.releases(), ""));
    RepoFiles.assertFile(RepoFiles.root().resolve("clusterctl/metadata.yaml"), metadata);
    assertTrue(metadata.contains("- major: 0\n  minor: 3\n  contract: v1beta2\n"), metadata);
  }

  @Test
  void variableTableIsUpToDate() {
    RepoFiles.assertFile(RepoFiles.root().resolve("docs/variables.md"), ClusterctlArtifacts.variableTable(contract));
  }

  @Test
  void readmeCarriesTheVariableTable() throws java.io.IOException {
    java.nio.file.Path readme = RepoFiles.root().resolve("README.md");
    String text = java.nio.file.Files.readString(readme);
    String begin = "<!-- variables:begin -->\n";
    String end = "<!-- variables:end -->";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    assertTrue(b >= 0 && e > b, "README.md needs the variables:begin/end markers");
    String table = ClusterctlArtifacts.variableTable(contract);
    table = table.substring(table.indexOf("| Name"));
    if (RepoFiles.updating()) {
      java.nio.file.Files.writeString(readme, text.substring(0, b + begin.length()) + table + text.substring(e));
    } else {
      org.junit.jupiter.api.Assertions.assertEquals(table, text.substring(b + begin.length(), e),
          "README.md's variable table drifted from the contract (run with -Dgolden.update=true)");
    }
  }

  @Test
  void templateUsesEveryVariableWithItsDefaultOrAsRequired() {
    String template = ClusterctlArtifacts.clusterTemplate(contract, new KvmFlavor());
    for (Variable v : contract.variables()) {
      if (!contract.usedBy(v.name(), KvmFlavor.NAME) || ClusterctlArtifacts.NOT_IN_TEMPLATE.contains(v.name())) {
        assertTrue(!template.contains("${" + v.name()), v.name() + " belongs to other flavors");
        continue;
      }
      String expected = v.defaultValue() == null ? "${" + v.name() + "}" : "${" + v.name() + ":=" + v.defaultValue() + "}";
      assertTrue(template.contains(expected), v.name() + " appears as " + expected);
    }
    Matcher m = VAR.matcher(template);
    while (m.find()) {
      String name = m.group(1);
      assertTrue(name.equals("CLUSTER_NAME") || contract.variable(name).isPresent(), "unknown variable " + name);
    }
  }

  @Test
  void substitutedTemplateValidatesAgainstTheCrds() {
    Map<String, String> required = Map.of("CLUSTER_NAME", "demo", "NAMESPACE", "default",
        "KUBERNETES_VERSION", "v1.33.5", "BASE_DOMAIN", "example.com");
    String template = ClusterctlArtifacts.clusterTemplate(contract, new KvmFlavor());
    Matcher m = VAR.matcher(template);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String value = required.getOrDefault(m.group(1), m.group(2));
      assertTrue(value != null, "no value for " + m.group(1));
      m.appendReplacement(b, Matcher.quoteReplacement(value));
    }
    m.appendTail(b);
    java.nio.file.Path upstream = RepoFiles.upstreamCrds();
    CrdSchemas schemas = CrdSchemas.load(List.of(DirectoryTree.open(upstream.resolve("capi")),
        DirectoryTree.open(RepoFiles.root().resolve("crds"))));
    List<Problem> problems = new ArrayList<>();
    List<Object> docs = YamlDocuments.loadAll("cluster-template.yaml", b.toString());
    for (Object doc : docs) {
      @SuppressWarnings("unchecked")
      Map<String, Object> o = (Map<String, Object>) doc;
      problems.addAll(schemas.validate("cluster-template.yaml", o));
    }
    assertEquals(List.of(), problems);
    assertEquals(9, docs.size());
  }
}
