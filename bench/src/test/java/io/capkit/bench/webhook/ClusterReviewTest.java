package io.capkit.bench.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterReviewTest {
  @Test
  void eachRequestCarriesItsOwnUidInAValidReview() throws Exception {
    ClusterReview review = new ClusterReview();
    JsonNode first = new ObjectMapper().readTree(review.stamp(0x1f, 0xabc).clone());
    assertEquals("0000001f-0000-4000-8000-000000000abc", first.at("/request/uid").asText());
    assertEquals(review.uid(), first.at("/request/uid").asText());
    JsonNode second = new ObjectMapper().readTree(review.stamp(2, 3));
    assertEquals("00000002-0000-4000-8000-000000000003", second.at("/request/uid").asText());
    assertEquals("CREATE", second.at("/request/operation").asText());
    assertEquals("cluster.x-k8s.io/v1beta2", second.at("/request/object/apiVersion").asText());
    assertEquals(ClusterReview.RELEASE, second.at("/request/object/metadata/labels/release.capkit.io~1version").asText());
  }

  @Test
  void anAnswerCountsOnlyWhenItAllowsAndEchoesTheUid() {
    byte[] uid = "u-1".getBytes(StandardCharsets.US_ASCII);
    byte[] ok = "{\"response\":{\"uid\":\"u-1\",\"allowed\":true}}".getBytes(StandardCharsets.UTF_8);
    byte[] denied = "{\"response\":{\"uid\":\"u-1\",\"allowed\":false}}".getBytes(StandardCharsets.UTF_8);
    byte[] otherUid = "{\"response\":{\"uid\":\"u-2\",\"allowed\":true}}".getBytes(StandardCharsets.UTF_8);
    assertTrue(ClosedLoopLoad.allowed(new KeepAliveConnection.Answer(200, ok), uid));
    assertFalse(ClosedLoopLoad.allowed(new KeepAliveConnection.Answer(500, ok), uid));
    assertFalse(ClosedLoopLoad.allowed(new KeepAliveConnection.Answer(200, denied), uid));
    assertFalse(ClosedLoopLoad.allowed(new KeepAliveConnection.Answer(200, otherUid), uid));
  }

  @Test
  void goModVersionsAndProfileLayers() {
    String goMod = """
        module capkit.local/bench/go-peer

        require (
        \tsigs.k8s.io/cluster-api v1.14.2
        \tsigs.k8s.io/controller-runtime v0.24.1
        )

        require k8s.io/api v0.36.3 // indirect

        replace sigs.k8s.io/cluster-api/api => sigs.k8s.io/cluster-api/api v1.14.2
        """;
    var v = AdmissionLoad.goModVersions(goMod);
    assertEquals("v1.14.2", v.get("sigs.k8s.io/cluster-api"));
    assertEquals("v0.24.1", v.get("sigs.k8s.io/controller-runtime"));
    assertEquals("v0.36.3", v.get("k8s.io/api"));
    assertFalse(v.containsKey("sigs.k8s.io/cluster-api/api"));
    assertEquals("JSON (Jackson)", CapkitProfile.layerOf(List.of("java.util.HashMap",
        "com.fasterxml.jackson.databind.ObjectMapper", "io.capkit.webhook.admission.AdmissionDispatcher")));
    assertEquals(CapkitProfile.OTHER, CapkitProfile.layerOf(List.of("java.lang.Thread")));
  }
}
