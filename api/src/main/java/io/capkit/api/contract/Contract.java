package io.capkit.api.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Formats;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.ValidatorTypeCode;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.yaml.JsonTrees;
import io.capkit.api.yaml.ResourceTrees;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster variable contract: the table in {@code variables.schema.json} plus the semantic rules it names.
 * Every consumer (renderer, webhook, CLI, clusterctl template, README table) reads variables from here.
 */
public final class Contract {
  public static final String RESOURCE = "/io/capkit/api/contract/variables.schema.json";
  private static final List<String> ANNOTATIONS = List.of(
      "x-capkit-rule", "x-capkit-source", "x-capkit-clusterctl-required", "x-capkit-disjoint", "x-capkit-flavors");

  private final JsonNode document;
  private final JsonSchema schema;
  private final List<Variable> variables;
  private final Map<String, Variable> byName;
  private final List<List<String>> disjoint;
  // Schema results per (name, value) when every schema keyword applies to one property at a time.
  private final boolean propertyLocal;
  /** Distinct (name, value) pairs remembered per memo; a long-running webhook sees arbitrary values. */
  static final int MAX_REMEMBERED = 4096;
  private final LruMemo<Map.Entry<String, Object>, List<ValidationMessage>> messagesByValue =
      new LruMemo<>(MAX_REMEMBERED);
  private final LruMemo<Map.Entry<String, String>, Boolean> overlapsByPair = new LruMemo<>(MAX_REMEMBERED);
  private final LruMemo<Map.Entry<String, Object>, Optional<String>> rulesByValue = new LruMemo<>(MAX_REMEMBERED);

  /** JSON Schema 2020-12, the meta-schema networknt builds ({@code JsonMetaSchema.getV202012()}). */
  static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

  /**
   * The meta-schema the contract is compiled with: networknt's draft 2020-12 (its {@code Version202012}: the same IRI,
   * id keyword, keywords, vocabularies) plus capkit's annotation keywords, and networknt's formats only when the
   * document has a {@code format} key anywhere. The contract uses none, and {@code Version202012}'s formats are
   * built in class initialisers (regexes, date-time formatters, the e-mail and domain validators: ~4 ms of a
   * one-file validate, never cached by an AOT cache); a schema that uses no {@code format} keyword validates the
   * same without them. {@code ContractTest} compares this with {@code JsonMetaSchema.getV202012()}.
   */
  static JsonMetaSchema metaSchema(JsonNode document) {
    JsonMetaSchema.Builder meta = JsonMetaSchema.builder(DRAFT_2020_12).specification(SpecVersion.VersionFlag.V202012)
        .idKeyword("$id").keywords(ValidatorTypeCode.getKeywords(SpecVersion.VersionFlag.V202012))
        .keyword(new NonValidationKeyword("definitions")).vocabularies(DRAFT_2020_12_VOCABULARIES);
    if (!document.findParents("format").isEmpty()) {
      meta.formats(Formats.DEFAULT);
    }
    ANNOTATIONS.forEach(k -> meta.keyword(new NonValidationKeyword(k)));
    return meta.build();
  }

  // A HashMap filled as networknt's Version202012 fills its own: the same iteration order when the meta-schema is built.
  private static final Map<String, Boolean> DRAFT_2020_12_VOCABULARIES = new java.util.HashMap<>();

  static {
    for (String v : List.of("core", "applicator", "unevaluated", "validation", "meta-data", "format-annotation",
        "content")) {
      DRAFT_2020_12_VOCABULARIES.put("https://json-schema.org/draft/2020-12/vocab/" + v, true);
    }
  }

  private Contract(JsonNode document) {
    this.document = document;
    JsonMetaSchema meta = metaSchema(document);
    JsonSchemaFactory factory = JsonSchemaFactory.builder().defaultMetaSchemaIri(meta.getIri()).metaSchema(meta)
        .build();
    // Messages in English whatever the default locale: they reach users and must not vary by machine.
    this.schema = factory.getSchema(document,
        com.networknt.schema.SchemaValidatorsConfig.builder().locale(java.util.Locale.ENGLISH)
            .pathType(com.networknt.schema.PathType.LEGACY).build());
    List<Variable> vars = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = document.path("properties").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode p = e.getValue();
      Object def = p.has("default") ? (p.get("default").isInt() ? (Object) p.get("default").intValue()
          : p.get("default").asText()) : null;
      vars.add(new Variable(e.getKey(), p.path("description").asText(), p.path("type").asText(), def,
          p.hasNonNull("x-capkit-rule") ? p.get("x-capkit-rule").asText() : null,
          p.hasNonNull("x-capkit-source") ? p.get("x-capkit-source").asText() : null,
          p.path("x-capkit-clusterctl-required").asBoolean(false)));
    }
    this.variables = List.copyOf(vars);
    Map<String, Variable> names = new LinkedHashMap<>();
    vars.forEach(v -> names.put(v.name(), v));
    this.byName = Collections.unmodifiableMap(names);
    List<List<String>> pairs = new ArrayList<>();
    document.path("x-capkit-disjoint").forEach(g -> {
      List<String> group = new ArrayList<>();
      g.forEach(n -> group.add(n.asText()));
      pairs.add(List.copyOf(group));
    });
    this.disjoint = List.copyOf(pairs);
    this.propertyLocal = propertyLocal(document);
  }

  // True when the top level only declares properties: then a map is valid iff each of its entries is.
  private static boolean propertyLocal(JsonNode document) {
    Set<String> local = Set.of("$schema", "$id", "title", "description", "type", "properties",
        "additionalProperties");
    Iterator<String> keys = document.fieldNames();
    while (keys.hasNext()) {
      String k = keys.next();
      if (!local.contains(k) && !k.startsWith("x-capkit-")) {
        return false;
      }
    }
    return "object".equals(document.path("type").asText()) && document.path("properties").isObject();
  }

  /** The schema's messages for the whole map at once, bypassing the per-value memo (tests compare the two). */
  Set<ValidationMessage> wholeMapMessages(Map<String, Object> known) {
    return schema.validate(JsonTrees.of(known));
  }

  Set<ValidationMessage> schemaMessages(Map<String, Object> known) {
    if (!propertyLocal) {
      return schema.validate(JsonTrees.of(known));
    }
    Set<ValidationMessage> messages = new java.util.LinkedHashSet<>();
    known.forEach((k, v) -> {
      boolean scalar = v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Boolean;
      messages.addAll(scalar ? messagesByValue.get(Map.entry(k, v), e -> schemaMessages(k, v))
          : schemaMessages(k, v));
    });
    return messages;
  }

  private List<ValidationMessage> schemaMessages(String name, Object value) {
    Map<String, Object> one = new java.util.HashMap<>(1);
    one.put(name, value);
    return List.copyOf(schema.validate(JsonTrees.of(one)));
  }

  /** Whether the schema result for {@code (name, value)} is remembered (tests of the bounded memo). */
  boolean remembersSchemaResult(String name, Object value) {
    return messagesByValue.remembers(Map.entry(name, value));
  }

  int rememberedSchemaResults() {
    return messagesByValue.size();
  }

  /**
   * The contract shipped with capkit: the tree of its resource as generated into {@link ResourceTrees} (no parser
   * runs; {@code JsonTreesTest} checks it equals Jackson's reading of the resource).
   */
  public static Contract standard() {
    return new Contract(JsonTrees.of(ResourceTrees.tree(RESOURCE)));
  }

  /** The JSON Schema document, e.g. for CRD generation or documentation. */
  public JsonNode schemaDocument() {
    return document.deepCopy();
  }

  /** Variables in table order. */
  public List<Variable> variables() {
    return variables;
  }

  public Optional<Variable> variable(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The flavors that read {@code variable} ({@code x-capkit-flavors}); empty when every flavor does. */
  public List<String> flavorsOf(String variable) {
    List<String> out = new ArrayList<>();
    document.path("properties").path(variable).path("x-capkit-flavors").forEach(f -> out.add(f.asText()));
    return List.copyOf(out);
  }

  /** Whether {@code flavor} reads {@code variable}. */
  public boolean usedBy(String variable, String flavor) {
    List<String> flavors = flavorsOf(variable);
    return flavors.isEmpty() || flavors.contains(flavor);
  }

  /** The contract layer: every variable that has a default, in table order. */
  public Map<String, Object> defaults() {
    Map<String, Object> out = new LinkedHashMap<>();
    variables.forEach(v -> {
      if (v.defaultValue() != null) {
        out.put(v.name(), v.defaultValue());
      }
    });
    return out;
  }

  /**
   * Checks a variables map: names, JSON types and ranges (schema), then the semantic rules. Returns every
   * problem, each with the variable name as its path; an empty list means valid.
   */
  public List<Problem> validate(Map<String, ?> values) {
    List<Problem> problems = new ArrayList<>();
    Map<String, Object> known = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (byName.containsKey(k)) {
        known.put(k, v);
      } else {
        problems.add(Problem.at(k, "unknown variable" + closest(k).map(s -> " (did you mean " + s + "?)").orElse("")));
      }
    });
    Set<ValidationMessage> messages = schemaMessages(known);
    Set<String> badTypes = new java.util.HashSet<>();
    for (ValidationMessage m : messages) {
      String path = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
      String text = m.getMessage();
      String prefix = m.getInstanceLocation().toString() + ": ";
      if (text.startsWith(prefix)) {
        text = text.substring(prefix.length());
      }
      badTypes.add(path);
      problems.add(Problem.at(path, text));
    }
    known.forEach((name, value) -> {
      if (badTypes.contains(name) || value == null) {
        return;
      }
      ruleProblem(name, value).ifPresent(msg -> problems.add(Problem.at(name, msg)));
    });
    for (List<String> group : disjoint) {
      checkDisjoint(group, known, badTypes, problems);
    }
    problems.sort(null);
    return problems;
  }

  /**
   * The variables in {@code values} that capkit sets itself (NAMESPACE, KUBERNETES_VERSION): a problem each, paths
   * being variable names. Every layer of variables is held to it.
   */
  public List<Problem> derivedProblems(Map<String, ?> values) {
    List<Problem> problems = new ArrayList<>();
    values.keySet().forEach(k -> variable(k).filter(v -> !v.settable()).ifPresent(v -> problems.add(
        Problem.at(k, "is set by capkit from " + v.source() + "; remove it from variables"))));
    return problems;
  }

  /** Canonical forms: memory as {@code <n>Mi}, Kubernetes versions with {@code v}. Call on valid values. */
  public Map<String, Object> normalise(Map<String, Object> values) {
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      Variable var = byName.get(k);
      String rule = var == null ? null : var.rule();
      if (v instanceof String s && "memory".equals(rule)) {
        out.put(k, MemoryQuantity.parse(s).canonical());
      } else if (v instanceof String s && "kubernetes-version".equals(rule)) {
        out.put(k, KubernetesVersion.parse(s).toString());
      } else if (v instanceof Number n && "integer".equals(var == null ? null : var.type())) {
        out.put(k, n.intValue());
      } else {
        out.put(k, v);
      }
    });
    return out;
  }

  // A rule is a pure function of the value: remembered per (name, string value), as schema results are.
  private Optional<String> ruleProblem(String name, Object value) {
    if (!(value instanceof String)) {
      return checkRule(byName.get(name), value);
    }
    return rulesByValue.get(Map.entry(name, value), e -> checkRule(byName.get(name), value));
  }

  private static Optional<String> checkRule(Variable v, Object value) {
    if (v.rule() == null || !(value instanceof String || value instanceof Number)) {
      return Optional.empty();
    }
    try {
      switch (v.rule()) {
        case "memory" -> {
          return MemoryQuantity.checkNodeMemory((String) value);
        }
        case "cidr" -> Cidr.parse((String) value);
        case "kubernetes-version" -> KubernetesVersion.parse((String) value);
        case "dns-label" -> {
          return Names.checkLabel((String) value);
        }
        case "dns-subdomain" -> {
          return Names.checkSubdomain((String) value);
        }
        case "labels" -> HostLabels.parse((String) value);
        case "dns-label-list" -> {
          return io.capkit.api.infra.KvmHostRules.checkHostList((String) value);
        }
        case "ipv4" -> Ipv4Address.parse((String) value);
        case "ipv4-range" -> Ipv4Address.parseRange((String) value);
        case "ipv4-list" -> Ipv4Address.parseList((String) value);
        case "odd-count" -> {
          long n = ((Number) value).longValue();
          if (n % 2 == 0) {
            return Optional.of("must be odd so that stacked etcd keeps quorum, got " + n);
          }
        }
        default -> throw new IllegalStateException("contract names an unknown rule " + v.rule());
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  private void checkDisjoint(List<String> group, Map<String, Object> values, Set<String> bad,
                             List<Problem> problems) {
    for (int i = 0; i < group.size(); i++) {
      for (int j = i + 1; j < group.size(); j++) {
        String a = group.get(i);
        String b = group.get(j);
        if (!(values.get(a) instanceof String va) || !(values.get(b) instanceof String vb)
            || bad.contains(a) || bad.contains(b)) {
          continue;
        }
        if (overlaps(va, vb)) {
          problems.add(Problem.at(b, vb + " overlaps " + a + " " + va));
        }
      }
    }
  }

  // Pure in the two ranges, and a fleet repeats few pairs: remembered as rule results are.
  private boolean overlaps(String a, String b) {
    return overlapsByPair.get(Map.entry(a, b), e -> {
      try {
        return Cidr.parse(a).overlaps(Cidr.parse(b));
      } catch (IllegalArgumentException ignored) {
        // reported by the cidr rule of the variable itself
        return false;
      }
    });
  }

  private Optional<String> closest(String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : byName.keySet()) {
      int d = distance(name.toUpperCase(java.util.Locale.ROOT), candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 4) ? Optional.of(best) : Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
