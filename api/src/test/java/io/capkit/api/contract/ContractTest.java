package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractTest {
  private final Contract contract = Contract.standard();

  private List<String> problems(Map<String, Object> values) {
    return contract.validate(values).stream().map(Problem::format).toList();
  }

  @Test
  void appendixBVariablesAndDefaults() {
    Map<String, Object> d = contract.defaults();
    assertEquals(3, d.get("CONTROL_PLANE_MACHINE_COUNT"));
    assertEquals(3, d.get("WORKER_MACHINE_COUNT"));
    assertEquals(4, d.get("CONTROL_PLANE_MACHINE_CPUS"));
    assertEquals("8GB", d.get("WORKER_MACHINE_MEMORY"));
    assertEquals(40, d.get("VOLUME_SIZE_GB"));
    assertEquals("172.24.0.0/16", d.get("POD_IP_RANGE"));
    assertEquals("172.31.0.0/16", d.get("SERVICE_IP_RANGE"));
    assertTrue(contract.variable("NAMESPACE").orElseThrow().clusterctlRequired());
    assertTrue(contract.validate(d).isEmpty(), "defaults must satisfy the contract");
  }

  @Test
  void reportsEveryViolationWithItsPath() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("POD_IP_RANGE", "10.0.0.0/33");
    v.put("CONTROL_PLANE_MACHINE_COUNT", 2);
    v.put("WORKER_MACHINE_COUNT", 0);
    v.put("WORKER_MACHINE_MEMORY", "8XB");
    v.put("VOLUME_SIZE_GB", "forty");
    v.put("WORKER_MACHINE_CUONT", 3);
    List<String> p = problems(v);
    assertEquals(6, p.size(), p.toString());
    assertTrue(p.contains("POD_IP_RANGE: 10.0.0.0/33 is not a CIDR (prefix length must be 0-32)"), p.toString());
    assertTrue(p.contains("CONTROL_PLANE_MACHINE_COUNT: must be odd so that stacked etcd keeps quorum, got 2"));
    assertTrue(p.stream().anyMatch(s -> s.startsWith("WORKER_MACHINE_COUNT: ") && s.contains("1")), p.toString());
    assertTrue(p.contains("WORKER_MACHINE_MEMORY: \"8XB\" is not a memory quantity (e.g. 8GB, 8Gi, 8192Mi)"));
    assertTrue(p.stream().anyMatch(s -> s.startsWith("VOLUME_SIZE_GB: ") && s.contains("integer")), p.toString());
    assertTrue(p.contains("WORKER_MACHINE_CUONT: unknown variable (did you mean WORKER_MACHINE_COUNT?)"));
  }

  @Test
  void overlappingRangesAreRefused() {
    List<String> p = problems(Map.of("POD_IP_RANGE", "10.0.0.0/8", "SERVICE_IP_RANGE", "10.96.0.0/12"));
    assertEquals(List.of("SERVICE_IP_RANGE: 10.96.0.0/12 overlaps POD_IP_RANGE 10.0.0.0/8"), p);
    assertTrue(problems(Map.of("POD_IP_RANGE", "10.0.0.0/16", "SERVICE_IP_RANGE", "10.1.0.0/16")).isEmpty());
  }

  @Test
  void normalisesMemoryAndVersions() {
    Map<String, Object> n = contract.normalise(Map.of("WORKER_MACHINE_MEMORY", "8Gi",
        "CONTROL_PLANE_MACHINE_MEMORY", "8192Mi", "KUBERNETES_VERSION", "1.33.4"));
    assertEquals("8192Mi", n.get("WORKER_MACHINE_MEMORY"));
    assertEquals("8192Mi", n.get("CONTROL_PLANE_MACHINE_MEMORY"));
    assertEquals("v1.33.4", n.get("KUBERNETES_VERSION"));
    assertEquals("7630Mi", MemoryQuantity.parse("8GB").canonical());
  }

  @Test
  void cidrParsing() {
    assertTrue(Cidr.parse("fd00::/48").overlaps(Cidr.parse("fd00:0:0:1::/64")));
    assertEquals("fd00:0:0:0:0:0:0:0/48", Cidr.parse("fd00::/48").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.1/16"));
    assertEquals("10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16?", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("256.0.0.0/8"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("010.0.0.0/8"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("1::2::3/64"));
  }

  @Test
  void versions() {
    assertEquals("v1.33.4", KubernetesVersion.parse("1.33.4").toString());
    assertTrue(KubernetesVersion.parse("v1.34.0-rc.1").compareTo(KubernetesVersion.parse("v1.34.0")) < 0);
    assertThrows(IllegalArgumentException.class, () -> KubernetesVersion.parse("v1.33"));
  }

  @Test
  void layersKeepTheirOrigin() {
    Layer mc = new Layer("management-cluster", "mc/defaults.yaml", Map.of("WORKER_MACHINE_COUNT", 5));
    Layer org = new Layer("organization", "org/defaults.yaml", Map.of("WORKER_MACHINE_COUNT", 7,
        "POD_IP_RANGE", "10.0.0.0/8"));
    Layer cluster = new Layer("cluster", "wc/cluster.yaml", Map.of("SERVICE_IP_RANGE", "10.96.0.0/12"));
    Layer derived = new Layer("derived", "release v1.0.0", Map.of("KUBERNETES_VERSION", "v1.33.4", "NAMESPACE", "org-a"));
    ResolvedVariables ok = ResolvedVariables.resolve(contract, List.of(mc, org), derived);
    assertTrue(ok.valid(), ok.problems().toString());
    assertEquals(7, ok.get("WORKER_MACHINE_COUNT"));
    assertEquals("org/defaults.yaml", ok.entries().get("WORKER_MACHINE_COUNT").from().origin());
    assertEquals("contract default", ok.entries().get("VOLUME_SIZE_GB").from().origin());
    assertEquals("7630Mi", ok.get("WORKER_MACHINE_MEMORY"));
    ResolvedVariables bad = ResolvedVariables.resolve(contract, List.of(mc, org, cluster), derived);
    assertEquals(List.of("wc/cluster.yaml: SERVICE_IP_RANGE: 10.96.0.0/12 overlaps POD_IP_RANGE 10.0.0.0/8"),
        bad.problems().stream().map(Problem::format).toList());
    Layer sneaky = new Layer("cluster", "wc/cluster.yaml", Map.of("KUBERNETES_VERSION", "v1.20.0"));
    assertEquals(List.of("wc/cluster.yaml: KUBERNETES_VERSION: is set by capkit from release; remove it from variables"),
        ResolvedVariables.resolve(contract, List.of(sneaky), derived).problems().stream().map(Problem::format).toList());
  }

  @Test
  void metaSchemaIsNetworkntsDraft202012WithTheAnnotationsAndFormatsOnlyWhereUsed() throws Exception {
    com.networknt.schema.JsonMetaSchema upstream = com.networknt.schema.JsonMetaSchema.getV202012();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode standard = Contract.standard().schemaDocument();
    com.fasterxml.jackson.databind.JsonNode withFormat = json.readTree(
        "{\"$schema\":\"" + Contract.DRAFT_2020_12 + "\",\"properties\":{\"A\":{\"type\":\"string\",\"format\":\"ipv4\"}}}");
    for (com.fasterxml.jackson.databind.JsonNode doc : List.of(standard, withFormat)) {
      com.networknt.schema.JsonMetaSchema meta = Contract.metaSchema(doc);
      assertEquals(upstream.getIri(), meta.getIri());
      assertEquals(upstream.getIdKeyword(), meta.getIdKeyword());
      assertEquals(upstream.getSpecification(), meta.getSpecification());
      assertEquals(upstream.getVocabularies(), meta.getVocabularies());
      Map<String, String> expected = new java.util.TreeMap<>();
      upstream.getKeywords().forEach((k, v) -> expected.put(k, v.getClass().getName()));
      for (String a : List.of("x-capkit-rule", "x-capkit-source", "x-capkit-clusterctl-required", "x-capkit-disjoint",
          "x-capkit-flavors")) {
        expected.put(a, com.networknt.schema.NonValidationKeyword.class.getName());
      }
      Map<String, String> actual = new java.util.TreeMap<>();
      meta.getKeywords().forEach((k, v) -> actual.put(k, v.getClass().getName()));
      assertEquals(expected, actual);
    }
    assertTrue(standard.findParents("format").isEmpty(), "the contract uses no format: compiled without formats");
    // A schema that does use a format gets networknt's: an address that is no IPv4 fails as with getV202012().
    com.networknt.schema.JsonSchemaFactory factory = com.networknt.schema.JsonSchemaFactory.builder()
        .defaultMetaSchemaIri(Contract.DRAFT_2020_12).metaSchema(Contract.metaSchema(withFormat)).build();
    com.networknt.schema.JsonSchema schema = factory.getSchema(withFormat,
        com.networknt.schema.SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    com.networknt.schema.JsonSchema reference = com.networknt.schema.JsonSchemaFactory
        .getInstance(com.networknt.schema.SpecVersion.VersionFlag.V202012).getSchema(withFormat,
            com.networknt.schema.SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    com.fasterxml.jackson.databind.JsonNode bad = json.readTree("{\"A\":\"10.0.0.300\"}");
    assertEquals(1, schema.validate(bad).size());
    assertEquals(reference.validate(bad).toString(), schema.validate(bad).toString());
    assertEquals(0, schema.validate(json.readTree("{\"A\":\"10.0.0.3\"}")).size());
  }
}
