package io.capkit.webhook.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * Reads and writes admission.k8s.io/v1 AdmissionReview bodies with one shared, preconfigured mapper. Reading is
 * strict about the envelope (apiVersion, kind, request.uid, operation, object shapes) and says what is wrong.
 */
public final class AdmissionReviewCodec {
  public static final String API_VERSION = "admission.k8s.io/v1";
  private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
  static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).maxNumberLength(100).build())
          .build())
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final ObjectReader TREE = MAPPER.reader();
  private static final ObjectReader REQUEST = MAPPER.readerFor(AdmissionRequest.class);
  private static final ObjectReader RESOURCE = MAPPER.readerFor(GenericKubernetesResource.class);
  private static final ObjectWriter WRITER = MAPPER.writerFor(AdmissionReview.class);
  private static final byte[] ALLOWED_HEAD = ("{\"apiVersion\":\"" + API_VERSION
      + "\",\"kind\":\"AdmissionReview\",\"response\":{\"allowed\":true,\"uid\":\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] ALLOWED_TAIL = "\"}}".getBytes(StandardCharsets.UTF_8);
  private static final Set<String> STRING_METADATA = Set.of("name", "namespace", "generateName", "uid",
      "resourceVersion");

  private final Map<List<String>, SelectiveReader.Selection> selections = new ConcurrentHashMap<>();

  /** What a validating check reads from a review: no typed model, the objects stay the plain trees they parse to. */
  public record ValidationInput(String uid, String operation, String group, String kind, Map<String, Object> object,
                                Map<String, Object> oldObject) {}

  /**
   * Parses a body for a validating endpoint in one pass into plain maps, checking the envelope as strictly as
   * {@link #read} (apiVersion, kind, uid, operation, object shapes and metadata types) without building the
   * fabric8 model; of the objects only {@code reads} (dotted paths, see {@link AdmissionCheck#reads()}) and
   * apiVersion, kind and metadata are built, the rest is skipped token by token (still checked to be JSON).
   */
  @SuppressWarnings("unchecked")
  public ValidationInput readForValidation(byte[] body, List<String> reads) throws MalformedReviewException {
    Object parsed;
    try (JsonParser p = MAPPER.createParser(body)) {
      parsed = p.nextToken() == null ? null : SelectiveReader.read(p, selections.computeIfAbsent(reads,
          SelectiveReader::review));
      if (p.nextToken() != null) {
        throw new MalformedReviewException("body is not valid JSON: trailing content after the AdmissionReview");
      }
    } catch (IOException e) {
      throw new MalformedReviewException("body is not valid JSON: " + firstLine(e));
    }
    if (!(parsed instanceof Map<?, ?> root)) {
      throw new MalformedReviewException("body must be a JSON object (an AdmissionReview)");
    }
    if (!API_VERSION.equals(root.get("apiVersion")) || !"AdmissionReview".equals(root.get("kind"))) {
      throw new MalformedReviewException("body must be apiVersion " + API_VERSION + ", kind AdmissionReview");
    }
    if (!(root.get("request") instanceof Map<?, ?> req)) {
      throw new MalformedReviewException("request: must be an object");
    }
    if (!(req.get("uid") instanceof String uid) || uid.isEmpty()) {
      throw new MalformedReviewException("request.uid: must be a non-empty string");
    }
    if (!(req.get("operation") instanceof String op) || !OPERATIONS.contains(op)) {
      throw new MalformedReviewException("request.operation: must be one of CREATE, UPDATE, DELETE, CONNECT");
    }
    Object kind = req.get("kind");
    if (kind != null && !(kind instanceof Map<?, ?> k && isStringOrNull(k.get("group"))
        && isStringOrNull(k.get("version")) && isStringOrNull(k.get("kind")))) {
      throw new MalformedReviewException("request.kind: must be an object of strings group, version, kind");
    }
    Map<String, Object> object = objectAt("request.object", req.get("object"));
    Map<String, Object> oldObject = objectAt("request.oldObject", req.get("oldObject"));
    if (object == null && !"DELETE".equals(op) && !"CONNECT".equals(op)) {
      throw new MalformedReviewException("request.object: is required for " + op);
    }
    Map<String, Object> gvk = (Map<String, Object>) kind;
    return new ValidationInput(uid, op, gvk == null ? null : (String) gvk.get("group"),
        gvk == null ? null : (String) gvk.get("kind"), object, oldObject);
  }

  private static boolean isStringOrNull(Object o) {
    return o == null || o instanceof String;
  }

  /** An object tree, with the metadata fields the checks read typed as Kubernetes types them. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> objectAt(String path, Object node) throws MalformedReviewException {
    if (node == null) {
      return null;
    }
    if (!(node instanceof Map<?, ?>)) {
      throw new MalformedReviewException(path + ": must be an object");
    }
    Object metadata = ((Map<?, ?>) node).get("metadata");
    if (metadata != null) {
      if (!(metadata instanceof Map<?, ?> meta)) {
        throw new MalformedReviewException(path + ".metadata: must be an object");
      }
      for (Map.Entry<?, ?> e : meta.entrySet()) {
        Object v = e.getValue();
        boolean ok = v == null
            || (!STRING_METADATA.contains(e.getKey()) || v instanceof String)
            && (!"labels".equals(e.getKey()) && !"annotations".equals(e.getKey())
                || v instanceof Map<?, ?> m && stringValues(m));
        if (!ok) {
          throw new MalformedReviewException(path + ".metadata." + e.getKey() + ": has the wrong type");
        }
      }
    }
    return (Map<String, Object>) node;
  }

  private static boolean stringValues(Map<?, ?> m) {
    for (Object x : m.values()) {
      if (x != null && !(x instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The response to an admitted review without warnings: written from a fixed skeleton, only the uid varies (a uid
   * that would need escaping, never a Kubernetes one, goes through the model writer instead).
   */
  public byte[] writeAllowed(String uid) {
    if (!plainAscii(uid)) {
      AdmissionResponse r = new AdmissionResponse();
      r.setAllowed(true);
      r.setUid(uid);
      AdmissionReview review = new AdmissionReview();
      review.setResponse(r);
      return write(review);
    }
    byte[] id = uid.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[ALLOWED_HEAD.length + id.length + ALLOWED_TAIL.length];
    System.arraycopy(ALLOWED_HEAD, 0, out, 0, ALLOWED_HEAD.length);
    System.arraycopy(id, 0, out, ALLOWED_HEAD.length, id.length);
    System.arraycopy(ALLOWED_TAIL, 0, out, ALLOWED_HEAD.length + id.length, ALLOWED_TAIL.length);
    return out;
  }

  /** Whether {@code s} is written as-is in a JSON string: printable ASCII without quote or backslash. */
  private static boolean plainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** Parses a body; every failure is a {@link MalformedReviewException} with a short reason. */
  public AdmissionReview read(byte[] body) throws MalformedReviewException {
    JsonNode root;
    try {
      root = TREE.readTree(body);
    } catch (IOException e) {
      throw new MalformedReviewException("body is not valid JSON: " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      throw new MalformedReviewException("body must be a JSON object (an AdmissionReview)");
    }
    if (!API_VERSION.equals(root.path("apiVersion").textValue()) || !"AdmissionReview".equals(root.path("kind").textValue())) {
      throw new MalformedReviewException("body must be apiVersion " + API_VERSION + ", kind AdmissionReview");
    }
    JsonNode req = root.get("request");
    if (req == null || !req.isObject()) {
      throw new MalformedReviewException("request: must be an object");
    }
    if (!req.path("uid").isTextual() || req.path("uid").textValue().isEmpty()) {
      throw new MalformedReviewException("request.uid: must be a non-empty string");
    }
    if (!req.path("operation").isTextual() || !OPERATIONS.contains(req.path("operation").textValue())) {
      throw new MalformedReviewException("request.operation: must be one of CREATE, UPDATE, DELETE, CONNECT");
    }
    ObjectNode r = (ObjectNode) req;
    JsonNode object = r.remove("object");
    JsonNode oldObject = r.remove("oldObject");
    r.remove("options"); // never read; its typed form would reject options of kinds fabric8 does not know
    AdmissionRequest request;
    try {
      request = REQUEST.treeToValue(r, AdmissionRequest.class);
      request.setObject(resource("request.object", object));
      request.setOldObject(resource("request.oldObject", oldObject));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MalformedReviewException("request: " + firstLine(e));
    }
    if (request.getObject() == null && !"DELETE".equals(request.getOperation()) && !"CONNECT".equals(request.getOperation())) {
      throw new MalformedReviewException("request.object: is required for " + request.getOperation());
    }
    AdmissionReview review = new AdmissionReview();
    review.setApiVersion(API_VERSION);
    review.setKind("AdmissionReview");
    review.setRequest(request);
    return review;
  }

  private static GenericKubernetesResource resource(String path, JsonNode node) throws MalformedReviewException,
      JsonProcessingException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new MalformedReviewException(path + ": must be an object");
    }
    if (node.has("metadata") && !node.get("metadata").isObject()) {
      throw new MalformedReviewException(path + ".metadata: must be an object");
    }
    try {
      return RESOURCE.treeToValue(node, GenericKubernetesResource.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MalformedReviewException(path + ": " + firstLine(e));
    }
  }

  /** The response review for {@code response}: apiVersion, kind and the response only. */
  public byte[] write(AdmissionReview review) {
    review.setApiVersion(API_VERSION);
    review.setKind("AdmissionReview");
    review.setRequest(null);
    try {
      return WRITER.writeValueAsBytes(review);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an AdmissionReview", e);
    }
  }

  private static String firstLine(Exception e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage());
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    String line = nl < 0 ? m : m.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
