package io.capkit.webhook.admission;

import static io.capkit.webhook.admission.Reviews.object;
import static io.capkit.webhook.admission.Reviews.release;
import static io.capkit.webhook.admission.Reviews.response;
import static io.capkit.webhook.admission.Reviews.review;
import static io.capkit.webhook.admission.Reviews.tree;
import static io.capkit.webhook.admission.Reviews.workloadCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.capkit.api.contract.Contract;
import io.capkit.api.release.ReleaseState;
import io.capkit.webhook.admission.AdmissionDispatcher.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionDispatcherTest {
  private static final String FLEET = "fleet.capkit.io";
  private static final String INFRA = "infrastructure.cluster.x-k8s.io";
  private static final String CAPI = "cluster.x-k8s.io";

  private final ReleaseLookup releases = Reviews.lookup(
      release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE),
      release("v29.2.0", "v1.34.1", ReleaseState.ACTIVE),
      release("v30.0.0", "v1.35.0", ReleaseState.ACTIVE),
      release("v28.0.0", "v1.32.0", ReleaseState.DEPRECATED),
      release("v31.0.0", "v1.35.0", ReleaseState.WIP));
  private final AdmissionDispatcher dispatcher =
      new AdmissionDispatcher(AdmissionEndpoints.standard(Contract.standard(), releases));

  private JsonNode admit(String path, byte[] body) {
    Reply r = dispatcher.review(dispatcher.endpoint(path).orElseThrow(), body);
    assertEquals(200, r.status(), new String(r.body(), StandardCharsets.UTF_8));
    return response(r.body());
  }

  private static String message(JsonNode response) {
    return response.path("status").path("message").asText();
  }

  @Test
  void workloadClusterDefaultsArriveAsAJsonPatchAndTheUidIsEchoed() {
    JsonNode r = admit("/mutate-workloadcluster", review("uid-1", "CREATE", FLEET, "WorkloadCluster",
        workloadCluster(Map.of("WORKER_MACHINE_COUNT", 5)), null, false));
    assertEquals("uid-1", r.get("uid").asText());
    assertTrue(r.get("allowed").asBoolean());
    assertEquals("JSONPatch", r.get("patchType").asText());
    JsonNode patch = Reviews.patch(r);
    List<String> added = new ArrayList<>();
    patch.forEach(op -> {
      assertEquals("add", op.get("op").asText());
      added.add(op.get("path").asText() + "=" + op.get("value"));
    });
    assertTrue(added.contains("/spec/variables/POD_IP_RANGE=\"172.24.0.0/16\""), added.toString());
    assertTrue(added.contains("/spec/variables/CONTROL_PLANE_MACHINE_COUNT=3"), added.toString());
    assertFalse(added.stream().anyMatch(a -> a.contains("WORKER_MACHINE_COUNT")), "set values stay as they are");
    assertEquals(Contract.standard().defaults().size() - 1, added.size());
  }

  @Test
  void aFullyDefaultedClusterGetsNoPatchAndVariablesAreCreatedWhenMissing() {
    JsonNode full = admit("/mutate-workloadcluster", review("u", "UPDATE", FLEET, "WorkloadCluster",
        workloadCluster(Contract.standard().defaults()), workloadCluster(null), false));
    assertTrue(full.get("allowed").asBoolean());
    assertNull(full.get("patch"));
    JsonNode none = admit("/mutate-workloadcluster", review("u", "CREATE", FLEET, "WorkloadCluster",
        workloadCluster(null), null, false));
    assertEquals("/spec/variables", Reviews.patch(none).get(0).get("path").asText());
  }

  @Test
  void validationDeniesWithEveryFieldPathAndNeverPatches() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("POD_IP_RANGE", "10.0.0.0/33");
    v.put("CONTROL_PLANE_MACHINE_COUNT", 2);
    JsonNode r = admit("/validate-workloadcluster", review("uid-2", "CREATE", FLEET, "WorkloadCluster",
        workloadCluster(v), null, false));
    assertEquals("uid-2", r.get("uid").asText());
    assertFalse(r.get("allowed").asBoolean());
    assertNull(r.get("patch"));
    assertNull(r.get("patchType"));
    assertEquals("2 problems: spec.variables.CONTROL_PLANE_MACHINE_COUNT: must be odd so that stacked etcd keeps "
        + "quorum, got 2; spec.variables.POD_IP_RANGE: 10.0.0.0/33 is not a CIDR (prefix length must be 0-32)",
        message(r));
    assertEquals(403, r.path("status").path("code").asInt());
    assertEquals("spec.variables.CONTROL_PLANE_MACHINE_COUNT",
        r.path("status").path("details").path("causes").get(0).path("field").asText());
    JsonNode ok = admit("/validate-workloadcluster", review("uid-3", "CREATE", FLEET, "WorkloadCluster",
        workloadCluster(Map.of("WORKER_MACHINE_COUNT", 5)), null, false));
    assertTrue(ok.get("allowed").asBoolean(), ok.toString());
    assertNull(ok.get("patch"));
  }

  @Test
  void aFlavorTheReleaseCannotRunIsDeniedWithItsFieldAsTheCause() {
    Map<String, Object> wc = workloadCluster(Map.of("METAL3_IMAGE_URL", "https://images.example/node.raw",
        "METAL3_IMAGE_CHECKSUM", "https://images.example/node.raw.sha256sum"));
    @SuppressWarnings("unchecked") Map<String, Object> spec = (Map<String, Object>) wc.get("spec");
    spec.put("flavor", "byoh-metal3");
    JsonNode r = admit("/validate-workloadcluster", review("u", "CREATE", FLEET, "WorkloadCluster", wc, null, false));
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(message(r).startsWith("spec.flavor: flavor byoh-metal3 cannot run on release v29.1.0: "), message(r));
    assertEquals("spec.flavor", r.path("status").path("details").path("causes").get(0).path("field").asText());
  }

  @Test
  void dryRunGetsTheSameAnswer() {
    Map<String, Object> bad = Map.of("WORKER_MACHINE_MEMORY", "lots");
    JsonNode wet = admit("/validate-workloadcluster", review("u", "CREATE", FLEET, "WorkloadCluster",
        workloadCluster(bad), null, false));
    JsonNode dry = admit("/validate-workloadcluster", review("u", "CREATE", FLEET, "WorkloadCluster",
        workloadCluster(bad), null, true));
    assertEquals(wet, dry);
    JsonNode mutateDry = admit("/mutate-workloadcluster", review("u", "CREATE", FLEET, "WorkloadCluster",
        workloadCluster(null), null, true));
    assertTrue(mutateDry.has("patch"));
  }

  @Test
  void aRuleThatThrowsDeniesWithAMessage() {
    AdmissionDispatcher broken = new AdmissionDispatcher(List.of(AdmissionEndpoint.validating("/validate-x", FLEET,
        "WorkloadCluster", (op, o, old) -> {
          throw new IllegalStateException("boom");
        }), AdmissionEndpoint.mutating("/mutate-x", FLEET, "WorkloadCluster", (r, op) -> {
          throw new NullPointerException();
        })));
    for (String path : List.of("/validate-x", "/mutate-x")) {
      Reply reply = broken.review(broken.endpoint(path).orElseThrow(), review("uid-9", "CREATE", FLEET,
          "WorkloadCluster", workloadCluster(null), null, false));
      assertEquals(200, reply.status());
      JsonNode r = response(reply.body());
      assertFalse(r.get("allowed").asBoolean());
      assertEquals("uid-9", r.get("uid").asText());
      assertTrue(message(r).startsWith("internal error in the capkit webhook " + path), message(r));
    }
  }

  @Test
  void malformedBodiesAre400() {
    AdmissionEndpoint e = dispatcher.endpoint("/validate-release").orElseThrow();
    for (String body : List.of("", "{", "[]", "null", "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"a\",\"operation\":\"PATCH\"}}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"a\",\"operation\":\"CREATE\",\"object\":[1]}}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"a\",\"operation\":\"CREATE\"}}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"a\",\"operation\":\"CREATE\",\"object\":{\"metadata\":{\"labels\":[1]}}}}")) {
      Reply r = dispatcher.review(e, body.getBytes(StandardCharsets.UTF_8));
      assertEquals(400, r.status(), body);
      assertEquals("bad_request", r.outcome());
    }
  }

  @Test
  void aKindTheEndpointDoesNotServeIsDenied() {
    JsonNode r = admit("/validate-release", review("u", "CREATE", FLEET, "WorkloadCluster", workloadCluster(null),
        null, false));
    assertFalse(r.get("allowed").asBoolean());
    assertTrue(message(r).contains("admits release.capkit.io Release, not fleet.capkit.io WorkloadCluster"), message(r));
  }

  @Test
  void releasesAreValidatedAndFrozenOnceActive() {
    Map<String, Object> bad = tree(release("v1.2", "1.33", ReleaseState.ACTIVE));
    bad.put("apiVersion", "release.capkit.io/v1alpha1");
    bad.put("kind", "Release");
    JsonNode r = admit("/validate-release", review("u", "CREATE", "release.capkit.io", "Release", bad, null, false));
    assertEquals("2 problems: metadata.name: \"v1.2\" is not a release name (vX.Y.Z, e.g. v29.1.0); "
        + "spec.components[0].version: \"1.33\" is not a semantic version (e.g. v1.33.4)", message(r));
    Map<String, Object> old = tree(release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE));
    Map<String, Object> changed = tree(release("v29.1.0", "v1.33.5", ReleaseState.ACTIVE));
    for (Map<String, Object> m : List.of(old, changed)) {
      m.put("apiVersion", "release.capkit.io/v1alpha1");
      m.put("kind", "Release");
    }
    JsonNode frozen = admit("/validate-release", review("u", "UPDATE", "release.capkit.io", "Release", changed, old,
        false));
    assertEquals("spec.components: is immutable once the release has been active; publish a new release instead",
        message(frozen));
    Map<String, Object> unknown = new LinkedHashMap<>(old);
    unknown.put("spec", new LinkedHashMap<>(Map.of("state", "retired")));
    JsonNode state = admit("/validate-release", review("u", "CREATE", "release.capkit.io", "Release", unknown, null,
        false));
    assertTrue(message(state).startsWith("spec.state: "), message(state));
  }

  private static Map<String, Object> capiCluster(String release, String topologyVersion) {
    Map<String, Object> spec = new LinkedHashMap<>();
    if (topologyVersion != null) {
      spec.put("topology", Map.of("version", topologyVersion, "classRef", Map.of("name", "kvm")));
    }
    Map<String, Object> c = object("cluster.x-k8s.io/v1beta2", "Cluster", "prod-eu1", spec);
    @SuppressWarnings("unchecked") Map<String, Object> meta = (Map<String, Object>) c.get("metadata");
    if (release != null) {
      meta.put("labels", Map.of("release.capkit.io/version", release));
    }
    return c;
  }

  private JsonNode cluster(String op, Map<String, Object> object, Map<String, Object> old) {
    return admit("/validate-cluster", review("u", op, CAPI, "Cluster", object, old, false));
  }

  @Test
  void newClustersNeedAnExistingUsableRelease() {
    assertTrue(cluster("CREATE", capiCluster("v29.1.0", "v1.33.4"), null).get("allowed").asBoolean());
    assertTrue(cluster("CREATE", capiCluster(null, null), null).get("allowed").asBoolean(), "unlabelled: not ours");
    assertEquals("metadata.labels[release.capkit.io/version]: release v9.9.9 does not exist",
        message(cluster("CREATE", capiCluster("v9.9.9", null), null)));
    assertEquals("metadata.labels[release.capkit.io/version]: release v28.0.0 is deprecated; new clusters must use "
        + "an active or preview release", message(cluster("CREATE", capiCluster("v28.0.0", null), null)));
    assertEquals("metadata.labels[release.capkit.io/version]: release v31.0.0 is wip and may not be used by "
        + "clusters yet", message(cluster("CREATE", capiCluster("v31.0.0", null), null)));
    assertEquals("spec.topology.version: v1.33.5 does not match release v29.1.0, which ships Kubernetes v1.33.4",
        message(cluster("CREATE", capiCluster("v29.1.0", "v1.33.5"), null)));
  }

  @Test
  void updatesKeepDeprecatedReleasesWithAWarningAndMoveOneMinorForward() {
    JsonNode stay = cluster("UPDATE", capiCluster("v28.0.0", null), capiCluster("v28.0.0", null));
    assertTrue(stay.get("allowed").asBoolean());
    assertEquals("release v28.0.0 is deprecated; plan an upgrade to an active release",
        stay.get("warnings").get(0).asText());
    assertTrue(cluster("UPDATE", capiCluster("v29.2.0", null), capiCluster("v29.1.0", null)).get("allowed").asBoolean());
    assertEquals("metadata.labels[release.capkit.io/version]: cannot upgrade Kubernetes from v1.33.4 to v1.35.0: "
        + "skips 1 minor version(s); upgrade one minor version at a time",
        message(cluster("UPDATE", capiCluster("v30.0.0", null), capiCluster("v29.1.0", null))));
    assertEquals("metadata.labels[release.capkit.io/version]: cannot downgrade Kubernetes from v1.34.1 to v1.33.4",
        message(cluster("UPDATE", capiCluster("v29.1.0", null), capiCluster("v29.2.0", null))));
    JsonNode toWip = cluster("UPDATE", capiCluster("v31.0.0", null), capiCluster("v30.0.0", null));
    assertTrue(message(toWip).contains("is wip"), message(toWip));
    JsonNode unknownOld = cluster("UPDATE", capiCluster("v29.1.0", null), capiCluster("v1.0.0", null));
    assertTrue(unknownOld.get("allowed").asBoolean());
    assertTrue(unknownOld.get("warnings").get(0).asText().startsWith("cannot check the upgrade path"));
  }

  private static Map<String, Object> kvm(String kind, Map<String, Object> spec) {
    return object("infrastructure.cluster.x-k8s.io/v1alpha1", kind, "m1", spec);
  }

  @Test
  void kvmMachinesAreDefaultedOnCreateOnly() {
    JsonNode created = admit("/mutate-kvmmachine", review("u", "CREATE", INFRA, "KVMMachine",
        kvm("KVMMachine", new LinkedHashMap<>(Map.of("cpus", 2))), null, false));
    List<String> paths = new ArrayList<>();
    Reviews.patch(created).forEach(op -> paths.add(op.get("path").asText()));
    assertEquals(List.of("/spec/memory", "/spec/volumes"), paths.stream().sorted().toList());
    JsonNode updated = admit("/mutate-kvmmachine", review("u", "UPDATE", INFRA, "KVMMachine",
        kvm("KVMMachine", new LinkedHashMap<>()), kvm("KVMMachine", new LinkedHashMap<>()), false));
    assertNull(updated.get("patch"));
    JsonNode template = admit("/mutate-kvmmachinetemplate", review("u", "CREATE", INFRA, "KVMMachineTemplate",
        kvm("KVMMachineTemplate", new LinkedHashMap<>(Map.of("template", new LinkedHashMap<>(Map.of("spec",
            new LinkedHashMap<>(Map.of("memory", "16Gi"))))))), null, false));
    List<String> tpaths = new ArrayList<>();
    Reviews.patch(template).forEach(op -> tpaths.add(op.get("path").asText()));
    assertEquals(List.of("/spec/template/spec/cpus", "/spec/template/spec/volumes"), tpaths.stream().sorted().toList());
    JsonNode cluster = admit("/mutate-kvmcluster", review("u", "CREATE", INFRA, "KVMCluster",
        kvm("KVMCluster", new LinkedHashMap<>(Map.of("controlPlaneEndpoint", new LinkedHashMap<>(Map.of("host",
            "10.0.0.10"))))), null, false));
    assertEquals("[{\"op\":\"add\",\"path\":\"/spec/controlPlaneEndpoint/port\",\"value\":6443}]",
        Reviews.patch(cluster).toString());
  }

  @Test
  void kvmTemplatesAreImmutableAndMachinesValidated() {
    Map<String, Object> a = kvm("KVMMachineTemplate", Map.of("template", Map.of("spec", Map.of("cpus", 4, "image", Map.of("volume", "base.qcow2")))));
    Map<String, Object> b = kvm("KVMMachineTemplate", Map.of("template", Map.of("spec", Map.of("cpus", 8, "image", Map.of("volume", "base.qcow2")))));
    assertTrue(admit("/validate-kvmmachinetemplate", review("u", "CREATE", INFRA, "KVMMachineTemplate", a, null,
        false)).get("allowed").asBoolean());
    assertEquals("spec: is immutable; create a new template with another name and point the owner at it",
        message(admit("/validate-kvmmachinetemplate", review("u", "UPDATE", INFRA, "KVMMachineTemplate", b, a,
            false))));
    Map<String, Object> labelled = kvm("KVMMachineTemplate", Map.of("template", Map.of("spec", Map.of("cpus", 4, "image", Map.of("volume", "base.qcow2")))));
    assertTrue(admit("/validate-kvmmachinetemplate", review("u", "UPDATE", INFRA, "KVMMachineTemplate", labelled, a,
        false)).get("allowed").asBoolean(), "a metadata-only update passes");
    assertEquals("spec.cpus: must be 1-512, got 0", message(admit("/validate-kvmmachine", review("u", "CREATE",
        INFRA, "KVMMachine", kvm("KVMMachine", Map.of("cpus", 0, "image", Map.of("volume", "base.qcow2"))), null, false))));
    assertEquals("spec.cpuz: unknown field", message(admit("/validate-kvmmachine", review("u", "CREATE",
        INFRA, "KVMMachine", kvm("KVMMachine", Map.of("cpuz", 2)), null, false))));
    assertEquals("spec.hosts[0].uri: is required (e.g. qemu+ssh://host/system)", message(admit(
        "/validate-kvmcluster", review("u", "CREATE", INFRA, "KVMCluster", kvm("KVMCluster",
            Map.of("hosts", List.of(Map.of("name", "h1")))), null, false))));
  }

  @Test
  void deleteIsAdmittedWithoutLooking() {
    JsonNode r = admit("/validate-release", review("u", "DELETE", "release.capkit.io", "Release", null,
        Map.of("garbage", true), false));
    assertTrue(r.get("allowed").asBoolean());
  }
}
