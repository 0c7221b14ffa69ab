package io.capkit.renderer.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.YamlDocuments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Object validation against CRD {@code openAPIV3Schema}s, as strict as the API server's field validation:
 * unknown fields are errors (the server would prune them silently). CEL rules
 * ({@code x-kubernetes-validations}) are not evaluated.
 */
public final class CrdSchemas {
  // In a holder: a validate run that needs no CRD never builds it.
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private static final List<String> IGNORED_KEYWORDS = List.of("x-kubernetes-int-or-string",
      "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type",
      "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations", "x-kubernetes-embedded-resource",
      "nullable", "example", "externalDocs");
  private static final Set<String> METADATA_FIELDS = Set.of("name", "namespace", "labels", "annotations");

  private final List<SourceTree> trees;
  private JsonMetaSchema metaSchema;
  private JsonSchemaFactory factory;
  private SchemaValidatorsConfig config;
  // Read on first use: a WorkloadCluster or KVM file needs no CRD, and parsing the upstream CRDs costs seconds.
  private Map<String, ObjectNode> documents;
  private InvalidInputException unreadable;
  // Compiled on first use per type: a cluster's objects need a handful of the hundreds of versions.
  private final Map<String, JsonSchema> compiled = new HashMap<>();

  private CrdSchemas(List<SourceTree> trees) {
    this.trees = List.copyOf(trees);
  }

  /**
   * Every CustomResourceDefinition in the trees' YAML files; other documents are skipped. The files are read now:
   * a broken one throws {@link InvalidInputException} here.
   */
  public static CrdSchemas load(List<SourceTree> trees) {
    CrdSchemas schemas = new CrdSchemas(trees);
    schemas.documents();
    return schemas;
  }

  /**
   * The CustomResourceDefinitions of the trees, read when an object is first checked (or {@link #knows} or
   * {@link #size} is asked): a broken file then throws {@link Unreadable} from that call, and from every later one.
   */
  public static CrdSchemas lazy(List<SourceTree> trees) {
    return new CrdSchemas(trees);
  }

  /** The problems of CRD files that {@link #lazy} schemas met when they read them on first use. */
  public static final class Unreadable extends RuntimeException {
    private final transient InvalidInputException problems;

    Unreadable(InvalidInputException problems) {
      super(problems.getMessage(), problems);
      this.problems = problems;
    }

    /** The same problems {@link #load} would have thrown. */
    public InvalidInputException problems() {
      return problems;
    }
  }

  private synchronized Map<String, ObjectNode> documents() {
    if (unreadable != null) {
      throw unreadable;
    }
    if (documents == null) {
      JsonMetaSchema.Builder meta = JsonMetaSchema.builder(JsonMetaSchema.getV4());
      IGNORED_KEYWORDS.forEach(k -> meta.keyword(new NonValidationKeyword(k)));
      metaSchema = meta.build();
      factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4,
          b -> b.metaSchema(metaSchema).defaultMetaSchemaIri(metaSchema.getIri()));
      config = SchemaValidatorsConfig.builder().locale(Locale.ENGLISH).pathType(PathType.JSON_PATH).build();
      try {
        documents = read();
      } catch (InvalidInputException e) {
        unreadable = e;
        throw e;
      }
    }
    return documents;
  }

  // The lazy path wraps the problems, so that a caller checking many files stops at the CRDs, as load() would.
  private Map<String, ObjectNode> documentsOnUse() {
    try {
      return documents();
    } catch (InvalidInputException e) {
      throw new Unreadable(e);
    }
  }

  private Map<String, ObjectNode> read() {
    Map<String, ObjectNode> byType = new TreeMap<>();
    for (SourceTree tree : trees) {
      for (String path : tree.files()) {
        if (!path.endsWith(".yaml") && !path.endsWith(".yml")) {
          continue;
        }
        String text = YamlDocuments.text(tree.describe() + "/" + path, tree.read(path).orElseThrow());
        for (Object doc : YamlDocuments.loadAll(tree.describe() + "/" + path, text)) {
          JsonNode crd = Json.MAPPER.valueToTree(doc);
          if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
            continue;
          }
          String group = crd.path("spec").path("group").asText();
          String kind = crd.path("spec").path("names").path("kind").asText();
          for (JsonNode version : crd.path("spec").path("versions")) {
            JsonNode schema = version.path("schema").path("openAPIV3Schema");
            if (schema.isObject()) {
              ObjectNode strict = schema.deepCopy();
              strict.put("$schema", metaSchema.getIri());
              ObjectNode top = (ObjectNode) strict.with("properties");
              // capkit's generated CRDs leave out the fields every object has; metadata is checked separately.
              top.putObject("apiVersion").put("type", "string");
              top.putObject("kind").put("type", "string");
              top.putObject("metadata").put("type", "object");
              close(strict);
              byType.put(group + "/" + version.path("name").asText() + " " + kind, strict);
            }
          }
        }
      }
    }
    return byType;
  }

  private synchronized JsonSchema schema(String type) {
    ObjectNode document = documentsOnUse().get(type);
    return document == null ? null : compiled.computeIfAbsent(type, t -> factory.getSchema(document, config));
  }

  /** Whether a schema for {@code apiVersion kind} is known. */
  public boolean knows(String apiVersion, String kind) {
    return documentsOnUse().containsKey(apiVersion + " " + kind);
  }

  public int size() {
    return documentsOnUse().size();
  }

  /**
   * Problems of {@code object} (a parsed document) in {@code file}, each with a field path; empty when valid.
   * {@code prefix} names the document inside the file, e.g. {@code Cluster prod-eu}.
   */
  public List<Problem> validate(String file, Map<String, Object> object) {
    List<Problem> problems = new ArrayList<>();
    String apiVersion = String.valueOf(object.get("apiVersion"));
    String kind = String.valueOf(object.get("kind"));
    Object meta = object.get("metadata");
    String where = kind + " " + (meta instanceof Map<?, ?> m ? m.get("name") : null);
    JsonSchema schema = schema(apiVersion + " " + kind);
    if (schema == null) {
      problems.add(new Problem(file, where, "no CRD schema for " + apiVersion + " " + kind));
      return problems;
    }
    if (!(meta instanceof Map<?, ?> metadata)) {
      problems.add(new Problem(file, where + ": metadata", "is required"));
    } else {
      for (Object key : metadata.keySet()) {
        if (!METADATA_FIELDS.contains(String.valueOf(key))) {
          problems.add(new Problem(file, where + ": metadata." + key, "unknown field"));
        }
      }
      Optional.ofNullable(metadata.get("name")).filter(n -> n instanceof String).ifPresentOrElse(n -> { },
          () -> problems.add(new Problem(file, where + ": metadata.name", "is required")));
    }
    for (ValidationMessage m : schema.validate(Json.MAPPER.valueToTree(object))) {
      String path = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
      String text = m.getMessage();
      String prefix = m.getInstanceLocation().toString() + ": ";
      if (text.startsWith(prefix)) {
        text = text.substring(prefix.length());
      }
      if ("additionalProperties".equals(m.getType()) && m.getProperty() != null) {
        path = join(path, m.getProperty());
        text = "unknown field";
      } else if ("required".equals(m.getType()) && m.getProperty() != null) {
        path = join(path, m.getProperty());
        text = "is required";
      }
      problems.add(new Problem(file, where + ": " + path, text));
    }
    problems.sort(null);
    return problems;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  // A schema with listed properties and no explicit additionalProperties gets additionalProperties: false.
  private static void close(JsonNode schema) {
    if (!schema.isObject()) {
      return;
    }
    ObjectNode o = (ObjectNode) schema;
    if (o.has("properties") && !o.has("additionalProperties")
        && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      o.put("additionalProperties", false);
    }
    o.path("properties").forEach(CrdSchemas::close);
    close(o.path("items"));
    close(o.path("additionalProperties"));
    for (String k : List.of("allOf", "anyOf", "oneOf")) {
      o.path(k).forEach(CrdSchemas::close);
    }
    close(o.path("not"));
  }
}
