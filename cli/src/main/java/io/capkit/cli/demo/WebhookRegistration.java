package io.capkit.cli.demo;

import io.capkit.api.yaml.YamlDocuments;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Registers the webhooks of the deployment manifests (webhook/config/webhooks.yaml) by URL and caBundle
 * instead of Service and cert-manager injection, so a local server gets exactly the production rules.
 */
final class WebhookRegistration {
  private WebhookRegistration() {}

  @SuppressWarnings("unchecked")
  static int register(KubernetesClient client, Path manifests, String baseUrl, String caPem) throws IOException {
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
    int count = 0;
    for (Object doc : YamlDocuments.loadAll(manifests.toString(), Files.readString(manifests))) {
      Map<String, Object> config = (Map<String, Object>) doc;
      ((Map<String, Object>) config.get("metadata")).remove("annotations");
      for (Map<String, Object> webhook : (List<Map<String, Object>>) config.get("webhooks")) {
        Map<String, Object> clientConfig = (Map<String, Object>) webhook.get("clientConfig");
        Map<String, Object> service = (Map<String, Object>) clientConfig.remove("service");
        clientConfig.put("url", baseUrl + service.get("path"));
        clientConfig.put("caBundle", ca);
        count++;
      }
      client.resource(Serialization.unmarshal(Serialization.asJson(config), GenericKubernetesResource.class))
          .fieldManager("capkit-demo").forceConflicts().serverSideApply();
    }
    return count;
  }
}
