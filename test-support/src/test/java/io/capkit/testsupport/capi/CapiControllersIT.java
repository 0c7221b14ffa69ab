package io.capkit.testsupport.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real CAPI managers start against the embedded API server, and their own webhooks answer for their kinds. */
@ExtendWith(KubeApiServerExtension.class)
class CapiControllersIT {
  @Test
  void theManagersRunTheirWebhooksAndTheContractLabelsAreSet(EmbeddedApiServer api, KubernetesClient client,
                                                             @TempDir Path work) {
    try (CapiControllers capi = CapiControllers.start(api, work)) {
      assertTrue(capi.running());
      assertEquals(ToolVersions.pinned().capiVersion(), capi.version());
      assertTrue(capi.webhookConfigurations().size() >= 4, capi.webhookConfigurations().toString());
      var kcpCrd = client.apiextensions().v1().customResourceDefinitions()
          .withName("kubeadmcontrolplanes.controlplane.cluster.x-k8s.io").get();
      assertEquals("v1beta2", kcpCrd.getMetadata().getLabels().get("cluster.x-k8s.io/v1beta2"));
      var kamajiCrd = client.apiextensions().v1().customResourceDefinitions()
          .withName("kamajicontrolplanes.controlplane.cluster.x-k8s.io").get();
      assertEquals("v1alpha2", kamajiCrd.getMetadata().getLabels().get("cluster.x-k8s.io/v1beta2"),
          "Kamaji's control plane follows the v1beta2 contract with its v1alpha2 API");
      assertTrue(capi.convertedCrds().contains("clusters.cluster.x-k8s.io"), capi.convertedCrds().toString());

      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("capi-webhook").endMetadata()
          .build()).serverSideApply();
      // CAPI's Cluster webhook (served by the core manager, registered by URL) refuses what its validation refuses.
      GenericKubernetesResource bad = Serialization.unmarshal(Serialization.asJson(Map.of(
          "apiVersion", "cluster.x-k8s.io/v1beta2", "kind", "Cluster",
          "metadata", Map.of("name", "bad", "namespace", "capi-webhook"),
          "spec", Map.of("paused", true))),
          GenericKubernetesResource.class);
      KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client.resource(bad).create());
      assertTrue(e.getMessage().contains("admission webhook \"validation.cluster.cluster.x-k8s.io\" denied")
          && e.getMessage().contains("one of spec.controlPlaneRef, spec.infrastructureRef or spec.topology must be set"),
          e.getMessage());
      // A valid Cluster passes both webhooks (failurePolicy Fail: an unreachable webhook would deny it).
      GenericKubernetesResource ok = Serialization.unmarshal(Serialization.asJson(Map.of(
          "apiVersion", "cluster.x-k8s.io/v1beta2", "kind", "Cluster",
          "metadata", Map.of("name", "ok", "namespace", "capi-webhook"), "spec", Map.of("paused", true, "infrastructureRef", Map.of("apiGroup",
              "infrastructure.cluster.x-k8s.io", "kind", "KVMCluster", "name", "ok")))),
          GenericKubernetesResource.class);
      GenericKubernetesResource created = client.resource(ok).create();
      assertEquals("ok", created.getMetadata().getName());
      // A v1beta1 object is converted by CAPI's own conversion webhook: apiVersion refs become apiGroup refs.
      GenericKubernetesResource old = Serialization.unmarshal(Serialization.asJson(Map.of(
          "apiVersion", "cluster.x-k8s.io/v1beta1", "kind", "Cluster",
          "metadata", Map.of("name", "old", "namespace", "capi-webhook"), "spec", Map.of("paused", true,
              "infrastructureRef", Map.of("apiVersion", "infrastructure.cluster.x-k8s.io/v1alpha1", "kind",
                  "KVMCluster", "name", "old")))), GenericKubernetesResource.class);
      client.resource(old).create();
      GenericKubernetesResource stored = client.genericKubernetesResources("cluster.x-k8s.io/v1beta2", "Cluster")
          .inNamespace("capi-webhook").withName("old").get();
      assertEquals(Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMCluster", "name", "old"),
          ((Map<?, ?>) stored.getAdditionalProperties().get("spec")).get("infrastructureRef"));
    }
    // Closing removes the webhook configurations: writes are not denied by a dead endpoint afterwards.
    assertTrue(client.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems().stream()
        .noneMatch(w -> w.getMetadata().getName().startsWith("capi-")));
  }
}
