package io.capkit.webhook.admission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.DocumentTrees;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionReviewCodecTest {
  private final AdmissionReviewCodec codec = new AdmissionReviewCodec();

  @Test
  void theAllowedSkeletonIsByteForByteWhatTheModelWrites() {
    for (String uid : List.of("705ab4f5-6393-11e8-b7cc-42010a800002", "quote\"back\\slash", "ctl\u0001\n\t",
        "ünïcödé ✓ \uD83D\uDE00", "</script>")) {
      AdmissionResponse r = new AdmissionResponse();
      r.setAllowed(true);
      r.setUid(uid);
      AdmissionReview review = new AdmissionReview();
      review.setResponse(r);
      assertArrayEquals(codec.write(review), codec.writeAllowed(uid), uid);
      assertEquals(uid, Reviews.response(codec.writeAllowed(uid)).get("uid").asText());
    }
  }

  @Test
  void theValidationReadKeepsObjectsAsParsedTrees() throws Exception {
    byte[] body = Reviews.review("u-1", "UPDATE", "cluster.x-k8s.io", "Cluster",
        Reviews.object("cluster.x-k8s.io/v1beta2", "Cluster", "c", Map.of("topology", Map.of("version", "v1.33.4"))),
        Reviews.object("cluster.x-k8s.io/v1beta2", "Cluster", "c", Map.of("paused", true)), true);
    AdmissionReviewCodec.ValidationInput in = codec.readForValidation(body, AdmissionCheck.WHOLE_OBJECT);
    assertEquals("u-1", in.uid());
    assertEquals("UPDATE", in.operation());
    assertEquals("cluster.x-k8s.io", in.group());
    assertEquals("Cluster", in.kind());
    assertEquals("v1.33.4", DocumentTrees.at(in.object(), "spec", "topology", "version"));
    assertEquals(true, DocumentTrees.at(in.oldObject(), "spec", "paused"));
    assertEquals("c", DocumentTrees.at(in.object(), "metadata", "name"));
    String noName = new String(body, StandardCharsets.UTF_8).replace("\"name\":\"c\"", "\"name\":7");
    assertEquals("request.object.metadata.name: has the wrong type", org.junit.jupiter.api.Assertions.assertThrows(
        MalformedReviewException.class, () -> codec.readForValidation(noName.getBytes(StandardCharsets.UTF_8), AdmissionCheck.WHOLE_OBJECT))
        .getMessage());
  }

  @Test
  void aCheckThatReadsAFewPathsGetsOnlyThoseBuilt() throws Exception {
    byte[] body = Reviews.review("u-2", "CREATE", "cluster.x-k8s.io", "Cluster",
        Reviews.object("cluster.x-k8s.io/v1beta2", "Cluster", "c", Map.of("topology",
            Map.of("version", "v1.33.4", "class", "k"), "paused", false, "big", List.of(Map.of("deep", List.of(1))))),
        null, false);
    AdmissionReviewCodec.ValidationInput in = codec.readForValidation(body, List.of("metadata",
        "spec.topology.version"));
    assertEquals(Map.of("topology", Map.of("version", "v1.33.4")), in.object().get("spec"));
    assertEquals("c", DocumentTrees.at(in.object(), "metadata", "name"));
    assertEquals("cluster.x-k8s.io/v1beta2", in.object().get("apiVersion"));
    assertEquals("u-2", in.uid());
    String json = new String(body, StandardCharsets.UTF_8);
    String skipped = "\"big\":[{\"deep\":[1]}]";
    assertTrue(json.contains(skipped), json);
    for (String broken : List.of(json.replace(skipped, "\"big\":[1,}"), json.replace(skipped, "\"big\":[1]}}"),
        json + " x")) {
      org.junit.jupiter.api.Assertions.assertThrows(MalformedReviewException.class,
          () -> codec.readForValidation(broken.getBytes(StandardCharsets.UTF_8), List.of("metadata")), broken);
    }
  }
}
