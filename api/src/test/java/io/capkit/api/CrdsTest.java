package io.capkit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
  void workloadClusterNamesAreFabric8sDefaults() {
    assertEquals("WorkloadCluster", io.fabric8.kubernetes.api.model.HasMetadata.getKind(WorkloadCluster.class));
    assertEquals("workloadcluster", io.fabric8.kubernetes.api.model.HasMetadata.getSingular(WorkloadCluster.class));
    assertEquals("workloadclusters", io.fabric8.kubernetes.api.model.HasMetadata.getPlural(WorkloadCluster.class));
    assertEquals("workloadclusters.fleet.capkit.io",
        io.fabric8.kubernetes.api.model.HasMetadata.getFullResourceName(WorkloadCluster.class));
    WorkloadCluster wc = new WorkloadCluster();
    assertEquals("WorkloadCluster", wc.getKind());
    assertEquals(WorkloadCluster.API_VERSION, wc.getApiVersion());
    assertEquals("workloadclusters", wc.getPlural());
    assertEquals("workloadcluster", wc.getSingular());
    // The declared plural (it spares each new WorkloadCluster fabric8's Pluralize) is the one fabric8 would derive.
    assertEquals(io.fabric8.kubernetes.api.Pluralize.toPlural("workloadcluster"),
        WorkloadCluster.class.getAnnotation(io.fabric8.kubernetes.model.annotation.Plural.class).value());
  }

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

  /** What CAPI needs of every capkit CRD, read from the checked-in files (so a new kind cannot miss it). */
  @Test
  void checkedInCrdsCarryTheContractMarkers() throws IOException {
    List<String> conditionLists = new ArrayList<>();
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path f : files.sorted().toList()) {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(f), CustomResourceDefinition.class);
        if (Infra.GROUP.equals(crd.getSpec().getGroup())) {
          assertEquals("v1alpha1", crd.getMetadata().getLabels().get("cluster.x-k8s.io/v1beta2"), f.toString());
          assertEquals("infrastructure-kvm", crd.getMetadata().getLabels().get("cluster.x-k8s.io/provider"),
              f.toString());
          assertEquals(List.of("cluster-api"), crd.getSpec().getNames().getCategories(), f.toString());
        }
        for (var version : crd.getSpec().getVersions()) {
          JSONSchemaProps status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
          JSONSchemaProps conditions = status == null || status.getProperties() == null ? null
              : status.getProperties().get("conditions");
          if (conditions != null) {
            conditionLists.add(crd.getSpec().getNames().getKind());
            assertEquals("map", conditions.getXKubernetesListType(), f.toString());
            assertEquals(List.of("type"), conditions.getXKubernetesListMapKeys(), f.toString());
            assertTrue(conditions.getItems().getSchema().getRequired().contains("type"), f.toString());
          }
        }
      }
    }
    assertEquals(List.of("KVMCluster", "KVMMachine"), conditionLists);
  }

  static void decorate(CustomResourceDefinition crd) {
    if (Infra.GROUP.equals(crd.getSpec().getGroup())) {
      crd.getMetadata().setLabels(new TreeMap<>(Infra.CRD_LABELS));
    }
    for (var version : crd.getSpec().getVersions()) {
      JSONSchemaProps status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
      if (status != null && status.getProperties() != null && status.getProperties().containsKey("conditions")) {
        conditionsAsListMap(status.getProperties().get("conditions"));
      }
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

  /**
   * status.conditions as CAPI's own CRDs have it (metav1.Condition): a list-map keyed by type, so the API server
   * refuses a second entry of one type and server-side apply merges entries by type.
   */
  static void conditionsAsListMap(JSONSchemaProps conditions) {
    conditions.setXKubernetesListType("map");
    conditions.setXKubernetesListMapKeys(List.of("type"));
    conditions.setMaxItems(32L);
    JSONSchemaProps item = conditions.getItems().getSchema();
    item.setRequired(List.of("lastTransitionTime", "message", "reason", "status", "type"));
    Map<String, JSONSchemaProps> p = item.getProperties();
    p.get("lastTransitionTime").setFormat("date-time");
    p.get("message").setMaxLength(32768L);
    p.get("observedGeneration").setMinimum(0.0);
    JSONSchemaProps reason = p.get("reason");
    reason.setMinLength(1L);
    reason.setMaxLength(1024L);
    reason.setPattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
    p.get("status").setEnum(List.of(new TextNode("True"), new TextNode("False"), new TextNode("Unknown")));
    JSONSchemaProps type = p.get("type");
    type.setMaxLength(316L);
    type.setPattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
        + "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$");
  }

}
