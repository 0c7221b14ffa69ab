package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code capkit flavors} prints the matrix; {@code capkit render} of a refused flavor exits 1 naming spec.flavor. */
class FlavorsCommandTest {
  private static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));

  @Test
  void tableListsSupportedAndRefusedCombinations() {
    CapkitCommandTest.Run r = CapkitCommandTest.run("flavors");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("FLAVOR "), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("byoh-metal3") && l.contains("v1beta2")
        && l.contains("refused") && l.contains("serves only infrastructure.cluster.x-k8s.io/v1beta1")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("kamaji-metal3") && l.contains("v1beta2")
        && l.contains("controlplane.cluster.x-k8s.io/v1alpha2")), r.out());
    assertEquals(r.out(), CapkitCommandTest.run("flavors").out(), "deterministic");
  }

  @Test
  void jsonIsMachineReadable() throws Exception {
    CapkitCommandTest.Run r = CapkitCommandTest.run("flavors", "-o", "json");
    assertEquals(0, r.code(), r.err());
    JsonNode flavors = new ObjectMapper().readTree(r.out()).get("flavors");
    assertEquals(14, flavors.size());
    JsonNode vcluster = flavors.get(12);
    assertEquals("vcluster-metal3", vcluster.get("flavor").asText());
    assertTrue(vcluster.get("reason").asText().contains("private-nodes"));
    assertEquals(2, CapkitCommandTest.run("flavors", "-o", "xml").code());
  }

  @Test
  void renderingARefusedFlavorExitsOneWithTheReason(@TempDir Path tmp) throws Exception {
    Path fleet = tmp.resolve("fleet/management-clusters/mc/organizations/o/workload-clusters/nested");
    Files.createDirectories(fleet);
    Files.writeString(fleet.resolve("cluster.yaml"), """
        apiVersion: fleet.capkit.io/v1alpha1
        kind: WorkloadCluster
        metadata: {name: nested}
        spec:
          release: v1.1.0
          flavor: nested-metal3
          controlPlaneEndpoint: {host: 10.0.0.1}
        """);
    CapkitCommandTest.Run r = CapkitCommandTest.run("render", "--fleet", tmp.resolve("fleet").toString(),
        "--releases", ROOT.resolve("releases").toString(), "--out", tmp.resolve("out").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("cluster.yaml: spec.flavor: flavor nested-metal3 is refused: "
        + "a Nested control plane cannot take Metal3 workers"), r.err());
    assertTrue(!Files.exists(tmp.resolve("out")), "nothing written");
  }
}
