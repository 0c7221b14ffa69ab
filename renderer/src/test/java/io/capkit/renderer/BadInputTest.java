package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.DirectoryTree;
import io.capkit.api.source.MemoryTree;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.YamlDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused as a whole, with every problem located by file and field path. */
class BadInputTest {
  private static final String WC = "management-clusters/mc-berlin/organizations/acme/workload-clusters/staging/cluster.yaml";
  private static final String ORG = "management-clusters/mc-berlin/organizations/acme/defaults.yaml";

  private static Map<String, String> text(SourceTree tree) {
    Map<String, String> m = new TreeMap<>();
    tree.files().forEach(f -> m.put(f, new String(tree.read(f).orElseThrow(), StandardCharsets.UTF_8)));
    return m;
  }

  private static List<String> problems(Map<String, String> fleetChanges, Map<String, String> releaseChanges) {
    Map<String, String> fleet = text(RepoFiles.exampleFleet());
    Map<String, String> releases = text(RepoFiles.releases());
    fleet.putAll(fleetChanges);
    releases.putAll(releaseChanges);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Renderer.standard().render(
        MemoryTree.ofText("fleet", fleet), "fleet", MemoryTree.ofText("releases", releases), "releases"));
    return e.problems().stream().map(Problem::format).toList();
  }

  private static List<String> cluster(String yaml) {
    return problems(Map.of(WC, yaml), Map.of());
  }

  private static final String HEAD = "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\n";

  @Test
  void malformedYaml() {
    assertEquals(List.of("fleet/" + WC + ": line 5, column 1: malformed YAML: expected ',' or ']', but got <stream end>"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: [v1.1.0\n"));
  }

  @Test
  void duplicateKeys() {
    List<String> p = cluster(HEAD + "metadata: {name: staging}\nspec:\n  release: v1.1.0\n  release: v1.2.0\n");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("fleet/" + WC + ": line 6, column 3: malformed YAML: found duplicate key release"), p.get(0));
  }

  @Test
  void unknownFields() {
    assertEquals(List.of("fleet/" + WC + ": spec.relase: unknown field"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0, relase: v1.2.0}\n"));
    assertEquals(List.of("fleet/" + WC + ": spec.variables.WORKER_MACHINE_CPU: unknown variable (did you mean WORKER_MACHINE_CPUS?)"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0, variables: {WORKER_MACHINE_CPU: 2}}\n"));
  }

  @Test
  void wrongTypes() {
    assertEquals(List.of("fleet/" + WC + ": spec.controlPlaneEndpoint.port: wrong type, expected integer"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0, controlPlaneEndpoint: {host: a.b, port: [1]}}\n"));
    List<String> p = cluster(HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0, variables: {WORKER_MACHINE_COUNT: \"3\"}}\n");
    assertEquals(List.of("fleet/" + WC + ": spec.variables.WORKER_MACHINE_COUNT: string found, integer expected"), p);
  }

  @Test
  void aliasBomb() {
    StringBuilder b = new StringBuilder(HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0}\nx: &a [x,x,x,x,x,x,x,x]\n");
    for (int i = 0; i < 60; i++) {
      b.append("k").append(i).append(": &a").append(i).append(" [*a,*a,*a,*a]\n");
    }
    List<String> p = cluster(b.toString());
    assertEquals(1, p.size(), p.toString());
    assertEquals("fleet/" + WC + ": line 5, column 4: anchors (&a) are not allowed: write the value out", p.get(0));
  }

  @Test
  void oversizeDocument() {
    String big = HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0}\n#" + "x".repeat(YamlDocuments.MAX_CHARS) + "\n";
    List<String> p = cluster(big);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("fleet/" + WC + ": file is "), p.get(0));
  }

  @Test
  void namesMustBeDns1123() {
    String bad = "management-clusters/mc-berlin/organizations/Acme_Corp/workload-clusters/db/cluster.yaml";
    List<String> p = problems(Map.of(bad, HEAD + "metadata: {name: db}\nspec: {release: v1.1.0}\n"), Map.of());
    assertEquals(List.of("fleet/" + bad + ": organization folder \"Acme_Corp\" is not a DNS-1123 label (lower-case letters, "
        + "digits and '-', starting and ending with a letter or digit)"), p);
  }

  @Test
  void clusterNameMustMatchItsFolder() {
    assertEquals(List.of("fleet/" + WC + ": metadata.name: \"stage\" must equal its folder name staging"),
        cluster(HEAD + "metadata: {name: stage}\nspec: {release: v1.1.0}\n"));
  }

  @Test
  void namespaceOfAnotherOrganization() {
    String other = "management-clusters/mc-berlin/organizations/acme/workload-clusters/prod-eu/cluster.yaml";
    List<String> p = problems(Map.of(other, HEAD + "metadata: {name: prod-eu, namespace: globex}\nspec: {release: v1.1.0}\n"),
        Map.of());
    assertEquals(List.of("fleet/" + other + ": metadata.namespace: namespace globex belongs to organization "
        + "globex in management cluster mc-berlin"), p);
  }

  @Test
  void duplicateClusterInOneNamespace() {
    // The same org and cluster under a second management cluster: org-acme/staging twice.
    String copy = WC.replace("mc-berlin", "mc-paris");
    List<String> p = problems(Map.of(copy, HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0}\n"), Map.of());
    assertEquals(List.of("fleet/" + copy + ": metadata.name: cluster org-acme/staging is also defined in fleet/" + WC
        + "; names must be unique within a namespace"), p);
  }

  @Test
  void fileOutsideTheLayout() {
    List<String> p = problems(Map.of("management-clusters/mc-berlin/cluster.yaml", "a: 1\n"), Map.of());
    assertEquals(List.of("fleet/management-clusters/mc-berlin/cluster.yaml: is outside the fleet layout (" + FleetReader.LAYOUT + ")"), p);
  }

  @Test
  void pathEscapingTheFleetRoot() {
    String escape = "management-clusters/mc-berlin/organizations/acme/workload-clusters/../../../../../x/cluster.yaml";
    assertEquals(List.of("fleet/" + escape + ": escapes the fleet root"),
        problems(Map.of(escape, HEAD + "metadata: {name: x}\nspec: {release: v1.1.0}\n"), Map.of()));
  }

  @Test
  void symlinkedClusterFolderIsRefused(@TempDir Path tmp) throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside/db"));
    Files.writeString(outside.resolve("cluster.yaml"), HEAD + "metadata: {name: db}\nspec: {release: v1.1.0}\n");
    Path clusters = Files.createDirectories(tmp.resolve("fleet/management-clusters/mc/organizations/o/workload-clusters"));
    Files.createSymbolicLink(clusters.resolve("db"), outside);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> DirectoryTree.open(tmp.resolve("fleet")));
    assertEquals("management-clusters/mc/organizations/o/workload-clusters/db: is a symbolic link; links could point "
        + "outside fleet, copy the file instead", e.getMessage());
  }

  @Test
  void missingRelease() {
    assertEquals(List.of("fleet/" + WC + ": spec.release: release v9.9.9 does not exist"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: v9.9.9}\n"));
  }

  @Test
  void wipRelease() {
    assertEquals(List.of("fleet/" + WC + ": spec.release: release v1.3.0 is wip and may not be used by clusters yet"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: v1.3.0}\n"));
  }

  @Test
  void overlappingCidrsAcrossLayers() {
    // The org sets pods, the cluster sets services: the overlap only exists after layering.
    List<String> p = problems(Map.of(
        // acme's load balancers serve prod-eu's DNS endpoint: the org keeps saying so.
        ORG, "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\nvariables: {POD_IP_RANGE: 10.0.0.0/8, "
            + "CONTROL_PLANE_LOAD_BALANCER: external}\n",
        WC, HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0, variables: {SERVICE_IP_RANGE: 10.96.0.0/12}}\n"), Map.of());
    assertEquals(List.of("fleet/" + WC + ": spec.variables.SERVICE_IP_RANGE: 10.96.0.0/12 overlaps POD_IP_RANGE 10.0.0.0/8"), p);
  }

  @Test
  void evenControlPlaneCount() {
    assertEquals(List.of("fleet/" + WC + ": spec.variables.CONTROL_PLANE_MACHINE_COUNT: must be odd so that stacked etcd "
        + "keeps quorum, got 2"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0, variables: {CONTROL_PLANE_MACHINE_COUNT: 2}}\n"));
  }

  @Test
  void badValueInOrganizationDefaultsNamesThatFile() {
    List<String> p = problems(Map.of(ORG,
        "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\nvariables: {WORKER_MACHINE_MEMORY: 12 apples}\n"), Map.of());
    assertTrue(p.contains("fleet/" + ORG + ": variables.WORKER_MACHINE_MEMORY: \"12 apples\" is not a memory quantity "
        + "(e.g. 8GB, 8Gi, 8192Mi)"), p.toString());
  }

  @Test
  void derivedVariablesCannotBeSet() {
    assertEquals(List.of("fleet/" + WC + ": spec.variables.KUBERNETES_VERSION: is set by capkit from release; remove it from variables"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0, variables: {KUBERNETES_VERSION: v1.30.0}}\n"));
  }

  @Test
  void unsupportedFlavor() {
    assertEquals(List.of("fleet/" + WC + ": spec.flavor: \"openstack\" is not a flavor; one of "
        + "[byoh-metal3, kamaji-metal3, kvm, kvm-metal3, metal3]"),
        cluster(HEAD + "metadata: {name: staging}\nspec: {release: v1.1.0, flavor: openstack}\n"));
  }

  @Test
  void endpointNeedsBaseDomainOrSpec() {
    List<String> p = problems(Map.of("management-clusters/mc-berlin/defaults.yaml",
        "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\nvariables: {}\n"), Map.of());
    assertEquals(List.of("fleet/" + WC + ": spec.controlPlaneEndpoint: is required when BASE_DOMAIN is not set (set "
        + "spec.controlPlaneEndpoint, or BASE_DOMAIN in the cluster, organization or management cluster defaults)"), p);
  }

  @Test
  void brokenReleaseIsReportedWithItsPath() {
    String rel = "v1.2.0/release.yaml";
    String text = text(RepoFiles.releases()).get(rel).replace("1.14.0", "0.4.0").replace("name: v1.2.0", "name: v1.2.1");
    List<String> p = problems(Map.of(), Map.of(rel, text));
    assertEquals(List.of("releases/" + rel + ": metadata.name: \"v1.2.1\" must equal its folder name v1.2.0"), p);
    p = problems(Map.of(), Map.of(rel, text.replace("name: v1.2.1", "name: v1.2.0")));
    assertEquals(List.of("releases/" + rel + ": spec.components[1].version: cluster-api-core 0.4.0 follows no CAPI contract "
        + "capkit renders (v1beta1 from v1.0.0, v1beta2 from v1.11.0)"), p);
  }

  @Test
  void everyProblemIsReportedNotOnlyTheFirst() {
    List<String> p = problems(Map.of(
        WC, HEAD + "metadata: {name: staging}\nspec: {release: v1.3.0}\n",
        ORG, "apiVersion: fleet.capkit.io/v1alpha1\nkind: FleetDefaults\nvariables: {WORKER_MACHINE_COUNT: 0}\n"), Map.of());
    // prod-eu and staging both sit below the org defaults: its problem is reported once, beside staging's own.
    assertEquals(List.of("fleet/" + ORG + ": variables.WORKER_MACHINE_COUNT: must have a minimum value of 1",
        "fleet/" + WC + ": spec.release: release v1.3.0 is wip and may not be used by clusters yet"), p);
  }
}
