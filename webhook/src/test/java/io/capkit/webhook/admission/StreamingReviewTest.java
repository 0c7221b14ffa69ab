package io.capkit.webhook.admission;

import static io.capkit.webhook.admission.Reviews.release;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.capkit.api.contract.Contract;
import io.capkit.api.release.ReleaseState;
import io.capkit.webhook.admission.AdmissionDispatcher.Reply;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The streaming read behind the validating endpoints (parser straight to the few fields a check reads) against the
 * typed path (the whole review bound to fabric8's model and run through the framework's controller): same decision,
 * same message, same warnings on a corpus of reviews, hostile ones included; and its plain values equal to Jackson's
 * untyped binding.
 */
class StreamingReviewTest {
  private static final String CAPI = "cluster.x-k8s.io";
  private final ReleaseLookup releases = Reviews.lookup(
      release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE),
      release("v29.2.0", "v1.34.1", ReleaseState.ACTIVE),
      release("v28.0.0", "v1.32.0", ReleaseState.DEPRECATED),
      release("v31.0.0", "v1.35.0", ReleaseState.WIP));
  private final AdmissionDispatcher dispatcher = new AdmissionDispatcher(AdmissionEndpoints.standard(
      Contract.standard(), releases, HostileTenantAdmissionTest.hosts("base.qcow2")));
  private final AdmissionReviewCodec codec = new AdmissionReviewCodec();

  @Test
  void plainValuesAreWhatJacksonsUntypedBindingGives() throws Exception {
    List<String> corpus = List.of("{}", "[]", "\"\"", "null", "true", "false", "0", "-1", "2147483647",
        "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-92233720368547758090",
        "1.5", "-0.0", "1e308", "1e400", "2.5E-3", "\"\\u00e9\\n\\\"\\\\ ✓ \\ud83d\\ude00\"",
        "{\"a\":1,\"a\":{\"b\":[1,\"x\",null,true]},\"c\":[]}", "[[[]],{},{\"\":\"\"}]",
        "{\"labels\":{\"k\":\"v\",\"n\":3},\"z\":1.0,\"y\":[1.25,{\"q\":false}]}");
    for (String json : corpus) {
      Object expected = AdmissionReviewCodec.MAPPER.readValue(json, Object.class);
      Object actual;
      try (JsonParser p = AdmissionReviewCodec.MAPPER.createParser(json)) {
        p.nextToken();
        actual = SelectiveReader.value(p);
      }
      assertSameTree(expected, actual, json);
    }
  }

  private static void assertSameTree(Object expected, Object actual, String where) {
    if (expected == null) {
      assertEquals(null, actual, where);
      return;
    }
    assertNotNull(actual, where);
    assertSame(expected.getClass(), actual.getClass(), where + ": " + expected + " vs " + actual);
    if (expected instanceof Map<?, ?> e) {
      Map<?, ?> a = (Map<?, ?>) actual;
      assertEquals(new ArrayList<>(e.keySet()), new ArrayList<>(a.keySet()), where);
      e.forEach((k, v) -> assertSameTree(v, a.get(k), where + "." + k));
    } else if (expected instanceof List<?> e) {
      List<?> a = (List<?>) actual;
      assertEquals(e.size(), a.size(), where);
      for (int i = 0; i < e.size(); i++) {
        assertSameTree(e.get(i), a.get(i), where + "[" + i + "]");
      }
    } else {
      assertEquals(expected, actual, where);
    }
  }

  /** Cluster reviews that are well-formed AdmissionReviews: both paths must decide alike. */
  private List<byte[]> clusterCorpus() {
    List<byte[]> out = new ArrayList<>();
    Object[][] labels = {
        {"v29.1.0", null}, {"v28.0.0", null}, {"v31.0.0", null}, {"v99.0.0", null}, {"not-a-release", null},
        {"v29.1.0", "v1.33.4"}, {"v29.1.0", "v1.34.0"}, {"v29.1.0", "garbage"}, {null, "v1.33.4"}, {null, null}};
    for (String op : List.of("CREATE", "UPDATE", "DELETE", "CONNECT")) {
      for (Object[] l : labels) {
        Map<String, Object> object = cluster((String) l[0], (String) l[1]);
        Map<String, Object> old = op.equals("UPDATE") ? cluster("v28.0.0", "v1.32.0") : null;
        out.add(Reviews.review("uid-" + out.size(), op, CAPI, "Cluster", object, old, false));
      }
    }
    // Unknown fields anywhere, fields the checks never read, a label spelled twice (the last one counts).
    Map<String, Object> extra = cluster("v29.1.0", null);
    extra.put("status", Map.of("phase", "Provisioned", "conditions", List.of(Map.of("type", "Ready"))));
    extra.put("unknownTopLevel", List.of(1, 2.5, "x", Map.of()));
    out.add(Reviews.review("uid-extra", "CREATE", CAPI, "Cluster", extra, null, true));
    String dup = new String(Reviews.review("uid-dup", "CREATE", CAPI, "Cluster", cluster("v29.1.0", null), null,
        false), StandardCharsets.UTF_8).replace("\"labels\":{", "\"labels\":{\"release.capkit.io/version\":\"v99.9.9\",");
    out.add(dup.getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static Map<String, Object> cluster(String release, String topologyVersion) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("controlPlaneRef", Map.of("apiGroup", "controlplane.cluster.x-k8s.io", "kind", "KubeadmControlPlane",
        "name", "c-cp"));
    if (topologyVersion != null) {
      spec.put("topology", Map.of("classRef", Map.of("name", "kvm"), "version", topologyVersion));
    }
    Map<String, Object> o = Reviews.object(CAPI + "/v1beta2", "Cluster", "c", spec);
    @SuppressWarnings("unchecked") Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
    Map<String, Object> labels = new LinkedHashMap<>();
    labels.put("app", "x");
    if (release != null) {
      labels.put("release.capkit.io/version", release);
    }
    meta.put("labels", labels);
    meta.put("annotations", Map.of("a", "b"));
    return o;
  }

  @Test
  void theStreamingPathDecidesAsTheTypedPathDoes() throws Exception {
    AdmissionEndpoint endpoint = dispatcher.endpoint("/validate-cluster").orElseThrow();
    int denied = 0;
    for (byte[] body : clusterCorpus()) {
      String json = new String(body, StandardCharsets.UTF_8);
      Reply streamed = dispatcher.review(endpoint, body);
      assertEquals(200, streamed.status(), json);
      JsonNode s = Reviews.response(streamed.body());

      AdmissionReview typed = codec.read(body);
      AdmissionResponse t = typedResponse(endpoint, typed);
      assertEquals(typed.getRequest().getUid(), s.path("uid").asText(), json);
      assertEquals(t.getAllowed(), s.path("allowed").asBoolean(), json + " -> " + s);
      String typedMessage = t.getStatus() == null ? "" : t.getStatus().getMessage();
      assertEquals(typedMessage, s.path("status").path("message").asText(""), json);
      List<String> sw = new ArrayList<>();
      s.path("warnings").forEach(w -> sw.add(w.asText()));
      assertEquals(t.getWarnings() == null ? List.of() : t.getWarnings(), sw, json);
      if (!t.getAllowed()) {
        denied++;
        List<String> fields = new ArrayList<>();
        s.path("status").path("details").path("causes").forEach(c -> fields.add(c.path("field").asText()));
        assertEquals(t.getStatus().getDetails().getCauses().stream().map(c -> c.getField()).toList(), fields, json);
      }
    }
    assertTrue(denied >= 10, "the corpus exercises denials too: " + denied);
  }

  /**
   * The typed path: the whole review bound to fabric8's model, then the framework's controller (capkit has no rules
   * for DELETE and CONNECT, which both paths admit without looking).
   */
  private static AdmissionResponse typedResponse(AdmissionEndpoint endpoint, AdmissionReview review) {
    String op = review.getRequest().getOperation();
    if (!"CREATE".equals(op) && !"UPDATE".equals(op)) {
      return ValidatingHandler.allow();
    }
    return endpoint.controller().handle(review).getResponse();
  }

  @Test
  void hostileBodiesAreRefusedWithAReasonAndNeverCrash() {
    AdmissionEndpoint endpoint = dispatcher.endpoint("/validate-cluster").orElseThrow();
    String good = new String(Reviews.review("u", "CREATE", CAPI, "Cluster", cluster("v29.1.0", null), null, false),
        StandardCharsets.UTF_8);
    String deep = "[".repeat(5000) + "]".repeat(5000);
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(good.replace("\"spec\":{", "\"spec\":{\"deep\":" + deep + ","), "body is not valid JSON: ");
    cases.put(good.replace("\"uid\":\"u\"", "\"uid\":" + deep), "body is not valid JSON: ");
    cases.put(good.replace("\"uid\":\"u\"", "\"uid\":[\"u\"]"), "request.uid: must be a non-empty string");
    cases.put(good.replace("\"uid\":\"u\"", "\"uid\":\"\""), "request.uid: must be a non-empty string");
    cases.put(good.replace("\"operation\":\"CREATE\"", "\"operation\":7"),
        "request.operation: must be one of CREATE, UPDATE, DELETE, CONNECT");
    cases.put(good.replace("\"name\":\"c\"", "\"name\":{\"x\":1}"), "request.object.metadata.name: has the wrong type");
    cases.put(good.replace("\"labels\":{", "\"labels\":{\"n\":1,"), "request.object.metadata.labels: has the wrong type");
    cases.put(good.replace("\"metadata\":{", "\"metadata\":[{").replace(",\"spec\":", "],\"spec\":"),
        "request.object.metadata: must be an object");
    cases.put(good.replaceFirst("(\"kind\":\\{[^}]*\"version\":)\"v1alpha1\"", "$13"),
        "request.kind: must be an object of strings group, version, kind");
    cases.put(good.replace("\"request\":{", "\"request\":[{").replaceFirst("}$", "]}"), "request: must be an object");
    cases.put(good + "{}", "body is not valid JSON: trailing content after the AdmissionReview");
    cases.put(good.substring(0, good.length() / 2), "body is not valid JSON: ");
    cases.put(good.replace("\"c\"", "\"c\\x\""), "body is not valid JSON: ");
    cases.put(good.replace("\"namespace\":\"org-acme\"", "\"namespace\":1" + "0".repeat(500)),
        "body is not valid JSON: ");
    cases.put(good.replace("\"app\":\"x\"", "\"app\":\"" + "x".repeat(2_000_000) + "\""), null);
    for (Map.Entry<String, String> c : cases.entrySet()) {
      byte[] body = c.getKey().getBytes(StandardCharsets.UTF_8);
      Reply r = dispatcher.review(endpoint, body);
      String shown = c.getKey().length() > 300 ? c.getKey().substring(0, 300) + "…" : c.getKey();
      if (c.getValue() == null) {
        // Huge but well-formed: read, and decided by the rules (an active release: admitted).
        assertEquals(200, r.status(), shown);
        assertTrue(Reviews.response(r.body()).path("allowed").asBoolean(), shown);
        continue;
      }
      assertEquals(400, r.status(), shown);
      assertEquals("bad_request", r.outcome());
      String message = new String(r.body(), StandardCharsets.UTF_8).strip();
      assertTrue(message.startsWith(c.getValue()), shown + " -> " + message);
      assertTrue(message.length() < 400, message);
      if (c.getValue().startsWith("body is not valid JSON")) {
        // Not JSON at all: the typed path refuses it too (it coerces some wrong types, e.g. a number label, instead).
        assertThrows(MalformedReviewException.class, () -> codec.read(body), shown);
      }
    }
    byte[] notUtf8 = good.replace("\"app\":\"x\"", "\"app\":\"\u0000\"").getBytes(StandardCharsets.UTF_8);
    assertEquals(400, dispatcher.review(endpoint, notUtf8).status());
    byte[] badBytes = good.getBytes(StandardCharsets.UTF_8);
    int at = good.indexOf("\"app\":\"x\"") + 7;
    badBytes[at] = (byte) 0xC3; // a lead byte followed by '"': not UTF-8
    assertFalse(dispatcher.review(endpoint, badBytes).status() == 500);
  }
}
