package io.capkit.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.TenantNamespaces;
import io.capkit.api.contract.Contract;
import io.capkit.api.infra.HostCatalog;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.webhook.admission.AdmissionEndpoint;
import io.capkit.webhook.admission.AdmissionEndpoints;
import io.capkit.webhook.admission.Reviews;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployment manifests in webhook/config/ register every endpoint the server has, with safe settings. */
class WebhookConfigTest {
  private static final Path CONFIG = Path.of(System.getProperty("capkit.repo.root", ".."), "webhook", "config");

  @SuppressWarnings("unchecked")
  @Test
  void everyEndpointIsRegisteredOnceWithFailClosedSettings() throws Exception {
    List<Object> docs = YamlDocuments.loadAll("webhooks.yaml", Files.readString(CONFIG.resolve("webhooks.yaml")));
    List<String> paths = new ArrayList<>();
    for (Object d : docs) {
      Map<String, Object> conf = (Map<String, Object>) d;
      String kind = (String) conf.get("kind");
      assertEquals("capkit-system/capkit-webhook", ((Map<String, Object>) ((Map<String, Object>) conf.get("metadata"))
          .get("annotations")).get("cert-manager.io/inject-ca-from"));
      for (Object o : (List<Object>) conf.get("webhooks")) {
        Map<String, Object> w = (Map<String, Object>) o;
        String path = (String) ((Map<String, Object>) ((Map<String, Object>) w.get("clientConfig")).get("service")).get("path");
        assertEquals(kind.startsWith("Mutating"), path.startsWith("/mutate-"), path);
        assertEquals("Fail", w.get("failurePolicy"), path);
        assertEquals("None", w.get("sideEffects"), path);
        assertEquals(List.of("v1"), w.get("admissionReviewVersions"), path);
        assertTrue(((Number) w.get("timeoutSeconds")).intValue() <= 10, path);
        // The namespaces left out are exactly those the api rules refuse tenant objects in.
        assertEquals(Map.of("matchExpressions", List.of(Map.of("key", "kubernetes.io/metadata.name", "operator",
            "NotIn", "values", TenantNamespaces.EXEMPT))), w.get("namespaceSelector"), path);
        paths.add(path);
      }
    }
    List<String> served = AdmissionEndpoints.standard(Contract.standard(), Reviews.lookup(),
        HostCatalog.of(Map.of())).stream()
        .map(AdmissionEndpoint::path).sorted().toList();
    assertEquals(served, paths.stream().sorted().toList());
  }

  @SuppressWarnings("unchecked")
  @Test
  void rbacOnlyReadsReleasesHostsAndNamespaces() throws Exception {
    List<Object> docs = YamlDocuments.loadAll("rbac.yaml", Files.readString(CONFIG.resolve("rbac.yaml")));
    List<Object> rules = docs.stream().map(d -> (Map<String, Object>) d).filter(d -> "ClusterRole".equals(d.get("kind")))
        .map(d -> d.get("rules")).findFirst().map(r -> (List<Object>) r).orElseThrow();
    List<String> read = List.of("get", "list", "watch");
    assertEquals(List.of(Map.of("apiGroups", List.of("release.capkit.io"), "resources", List.of("releases"),
        "verbs", read), Map.of("apiGroups", List.of("infrastructure.cluster.x-k8s.io"), "resources",
        List.of("kvmhosts"), "verbs", read), Map.of("apiGroups", List.of(""), "resources", List.of("namespaces"),
        "verbs", read)), rules);
  }

  @SuppressWarnings("unchecked")
  @Test
  void aReadOnlyRootStillLeavesNettyAWritableTmpForItsNativeLibraries() throws Exception {
    Map<String, Object> deployment = (Map<String, Object>) YamlDocuments.loadAll("deployment.yaml",
        Files.readString(CONFIG.resolve("deployment.yaml"))).get(0);
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment
        .get("spec")).get("template")).get("spec");
    Map<String, Object> container = (Map<String, Object>) ((List<Object>) pod.get("containers")).get(0);
    assertEquals(Boolean.TRUE, ((Map<String, Object>) container.get("securityContext")).get("readOnlyRootFilesystem"));
    String tmpVolume = ((List<Object>) container.get("volumeMounts")).stream().map(m -> (Map<String, Object>) m)
        .filter(m -> "/tmp".equals(m.get("mountPath")) && !Boolean.TRUE.equals(m.get("readOnly")))
        .map(m -> (String) m.get("name")).findFirst().orElseThrow(() -> new AssertionError("no writable /tmp"));
    assertTrue(((List<Object>) pod.get("volumes")).stream().map(v -> (Map<String, Object>) v)
        .anyMatch(v -> tmpVolume.equals(v.get("name")) && v.containsKey("emptyDir")), "/tmp is an emptyDir");
  }
}
