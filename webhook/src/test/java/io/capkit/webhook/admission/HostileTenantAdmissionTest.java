package io.capkit.webhook.admission;

import static io.capkit.webhook.admission.Reviews.object;
import static io.capkit.webhook.admission.Reviews.release;
import static io.capkit.webhook.admission.Reviews.response;
import static io.capkit.webhook.admission.Reviews.review;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.capkit.api.contract.Contract;
import io.capkit.api.infra.AllowedNamespaces;
import io.capkit.api.infra.HostCatalog;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.release.ReleaseState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's admission cases that the API server never sends (the namespaceSelector exempts kube-system) or that are
 * about updates of objects the provider owns: checked on the dispatcher, the same code the HTTPS server runs.
 */
class HostileTenantAdmissionTest {
  private static final String INFRA = "infrastructure.cluster.x-k8s.io";

  static HostCatalog hosts() {
    return hosts("ubuntu-24.04-kubeadm.qcow2");
  }

  /** Host kvm-1 for namespace org-acme with these base images. */
  static HostCatalog hosts(String... images) {
    KVMHostSpec h = new KVMHostSpec();
    h.setUri("qemu+ssh://kvm-1.example.org/system");
    h.setStoragePool("vms");
    h.setNetwork("br0");
    h.setBaseImages(List.of(images));
    h.setAllowedNamespaces(new AllowedNamespaces());
    h.getAllowedNamespaces().setList(List.of("org-acme"));
    return HostCatalog.of(Map.of("kvm-1", h));
  }

  private final AdmissionDispatcher dispatcher = new AdmissionDispatcher(AdmissionEndpoints.standard(
      Contract.standard(), Reviews.lookup(release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE),
          release("v29.2.0", "v1.34.1", ReleaseState.ACTIVE)), hosts()));

  private JsonNode admit(String path, byte[] body) {
    return response(dispatcher.review(dispatcher.endpoint(path).orElseThrow(), body).body());
  }

  private static String message(JsonNode r) {
    return r.path("status").path("message").asText();
  }

  private static Map<String, Object> inNamespace(Map<String, Object> o, String ns) {
    @SuppressWarnings("unchecked") Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
    meta.put("namespace", ns);
    return o;
  }

  @Test
  void item10ObjectsInAnExemptNamespaceAreDeniedShouldTheSelectorEverLetThemThrough() {
    JsonNode wc = admit("/validate-workloadcluster", review("u", "CREATE", "fleet.capkit.io", "WorkloadCluster",
        inNamespace(Reviews.workloadCluster(null), "kube-system"), null, false));
    assertFalse(wc.get("allowed").asBoolean());
    assertTrue(message(wc).contains("metadata.namespace: \"kube-system\" is exempt from the admission webhooks"),
        message(wc));
    JsonNode kc = admit("/validate-kvmcluster", review("u", "CREATE", INFRA, "KVMCluster", inNamespace(object(
        INFRA + "/v1alpha1", "KVMCluster", "c1", Map.of("hosts", List.of(Map.of("name", "kvm-1")))), "kube-system"),
        null, false));
    assertTrue(message(kc).contains("metadata.namespace: \"kube-system\" is exempt"), message(kc));
    assertTrue(message(kc).contains("spec.hosts[0].name: KVMHost \"kvm-1\" does not allow namespace kube-system"),
        message(kc));
  }

  @Test
  void item9RemovingTheReleaseLabelWhileDowngradingIsDenied() {
    Map<String, Object> before = object("cluster.x-k8s.io/v1beta2", "Cluster", "c1",
        Map.of("topology", Map.of("version", "v1.34.1")));
    @SuppressWarnings("unchecked") Map<String, Object> meta = (Map<String, Object>) before.get("metadata");
    meta.put("labels", Map.of("release.capkit.io/version", "v29.2.0"));
    Map<String, Object> after = object("cluster.x-k8s.io/v1beta2", "Cluster", "c1",
        Map.of("topology", Map.of("version", "v1.33.4")));
    JsonNode r = admit("/validate-cluster", review("u", "UPDATE", "cluster.x-k8s.io", "Cluster", after, before,
        false));
    assertFalse(r.get("allowed").asBoolean());
    assertEquals("spec.topology.version: cannot downgrade Kubernetes from v1.34.1 to v1.33.4", message(r));
    // Without a topology version (and without a downgrade) leaving release management is allowed.
    Map<String, Object> same = object("cluster.x-k8s.io/v1beta2", "Cluster", "c1",
        Map.of("topology", Map.of("version", "v1.34.1")));
    assertTrue(admit("/validate-cluster", review("u", "UPDATE", "cluster.x-k8s.io", "Cluster", same, before, false))
        .get("allowed").asBoolean());
    // The previous version comes from the old release when the old object had no topology version.
    Map<String, Object> labelledOnly = object("cluster.x-k8s.io/v1beta2", "Cluster", "c1", Map.of());
    @SuppressWarnings("unchecked") Map<String, Object> m2 = (Map<String, Object>) labelledOnly.get("metadata");
    m2.put("labels", Map.of("release.capkit.io/version", "v29.2.0"));
    assertEquals("spec.topology.version: cannot downgrade Kubernetes from v1.34.1 to v1.33.4", message(admit(
        "/validate-cluster", review("u", "UPDATE", "cluster.x-k8s.io", "Cluster", after, labelledOnly, false))));
  }

  @Test
  void tenancyRulesDoNotBlockTheProvidersOwnUpdatesOrDeletion() {
    // A machine admitted when its image was allowed; the admin narrows the host afterwards. The provider's claim
    // (failureDomain, providerID) and its finalizer removal must still pass, or the machine could never go.
    Map<String, Object> spec = new LinkedHashMap<>(Map.of("image", Map.of("volume", "retired.qcow2")));
    Map<String, Object> old = object(INFRA + "/v1alpha1", "KVMMachine", "m1", spec);
    Map<String, Object> claimed = new LinkedHashMap<>(spec);
    claimed.put("failureDomain", "kvm-1");
    claimed.put("providerID", "kvm://kvm-1/6f1c2a9e-7d3b-5c4e-9a1f-2b3c4d5e6f70");
    assertTrue(admit("/validate-kvmmachine", review("u", "UPDATE", INFRA, "KVMMachine", object(INFRA + "/v1alpha1",
        "KVMMachine", "m1", claimed), old, false)).get("allowed").asBoolean());
    // Changing the image is judged again.
    Map<String, Object> changed = new LinkedHashMap<>(Map.of("image", Map.of("volume", "other.qcow2")));
    JsonNode r = admit("/validate-kvmmachine", review("u", "UPDATE", INFRA, "KVMMachine", object(INFRA + "/v1alpha1",
        "KVMMachine", "m1", changed), old, false));
    assertEquals("spec.image.volume: \"other.qcow2\" is not a base image of host kvm-1 (allowed: "
        + "[ubuntu-24.04-kubeadm.qcow2])", message(r));
  }
}
