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
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.io.IOException;
import java.util.Set;

/**
 * Reads and writes admission.k8s.io/v1 AdmissionReview bodies with one shared, preconfigured mapper. Reading is
 * strict about the envelope (apiVersion, kind, request.uid, operation, object shapes) and says what is wrong.
 */
public final class AdmissionReviewCodec {
  public static final String API_VERSION = "admission.k8s.io/v1";
  private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).maxNumberLength(100).build())
          .build())
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final ObjectReader TREE = MAPPER.reader();
  private static final ObjectReader REQUEST = MAPPER.readerFor(AdmissionRequest.class);
  private static final ObjectReader RESOURCE = MAPPER.readerFor(GenericKubernetesResource.class);
  private static final ObjectWriter WRITER = MAPPER.writerFor(AdmissionReview.class);

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
