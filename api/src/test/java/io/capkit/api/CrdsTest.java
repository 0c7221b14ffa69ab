package io.capkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.capkit.api.contract.Contract;
import io.capkit.api.contract.Variable;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.infra.Infra;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterTemplate;
import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineTemplate;
import io.capkit.api.release.Release;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRDs in crds/ are generated from the Java types (fabric8 crd-generator) plus two derived parts: the CAPI
 * contract labels on the infrastructure CRDs and the contract variables' types on WorkloadCluster. This test
 * fails when the checked-in files drift; {@code -Dgolden.update=true} rewrites them.
 */
class CrdsTest {
  private static final Path CRDS = Path.of(System.getProperty("capkit.repo.root", "..")).resolve("crds");

  @Test
  void checkedInCrdsMatchTheTypes(@TempDir Path tmp) throws IOException {
    new CRDGenerator().inOutputDir(tmp.toFile()).forCRDVersions("v1")
        .customResourceClasses(WorkloadCluster.class, Release.class, KVMCluster.class, KVMClusterTemplate.class,
            KVMMachine.class, KVMMachineTemplate.class, KVMHost.class)
        .detailedGenerate();
    Map<String, String> generated = new TreeMap<>();
    try (Stream<Path> files = Files.list(tmp)) {
      for (Path f : files.sorted().toList()) {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(f), CustomResourceDefinition.class);
        decorate(crd);
        String name = crd.getSpec().getGroup() + "_" + crd.getSpec().getNames().getPlural() + ".yaml";
        generated.put(name, "# Generated from the capkit api types by CrdsTest; do not edit.\n"
            + Serialization.asYaml(crd).replaceFirst("^---\n", ""));
      }
    }
    assertEquals(7, generated.size());
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(CRDS);
      for (Map.Entry<String, String> e : generated.entrySet()) {
        Files.writeString(CRDS.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
      }
    }
    List<String> drift = new ArrayList<>();
    for (Map.Entry<String, String> e : generated.entrySet()) {
      Path onDisk = CRDS.resolve(e.getKey());
      if (!Files.exists(onDisk) || !Files.readString(onDisk).equals(e.getValue())) {
        drift.add(e.getKey());
      }
    }
    assertTrue(drift.isEmpty(), "crds/ drifted from the types: " + drift
        + " (run mvn -pl api test -Dgolden.update=true and review the diff)");
  }

  static void decorate(CustomResourceDefinition crd) {
    if (Infra.GROUP.equals(crd.getSpec().getGroup())) {
      crd.getMetadata().setLabels(new TreeMap<>(Infra.CRD_LABELS));
    }
    if ("workloadclusters".equals(crd.getSpec().getNames().getPlural())) {
      JSONSchemaProps vars = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
          .getProperties().get("spec").getProperties().get("variables");
      Contract contract = Contract.standard();
      JsonNode doc = contract.schemaDocument().path("properties");
      Map<String, JSONSchemaProps> props = new TreeMap<>();
      for (Variable v : contract.variables()) {
        if (!v.settable()) {
          continue;
        }
        JsonNode p = doc.path(v.name());
        JSONSchemaProps s = new JSONSchemaProps();
        s.setType(v.type());
        s.setDescription(p.path("description").asText());
        if (p.has("minimum")) {
          s.setMinimum(p.get("minimum").asDouble());
        }
        if (p.has("maximum")) {
          s.setMaximum(p.get("maximum").asDouble());
        }
        if (p.has("maxLength")) {
          s.setMaxLength(p.get("maxLength").asLong());
        }
        props.put(v.name(), s);
      }
      vars.setProperties(props);
      // Unknown names must reach the webhook to be denied with a message, not be pruned silently.
      vars.setAdditionalProperties(null);
      vars.setXKubernetesPreserveUnknownFields(true);
      vars.setType("object");
    }
  }

}
