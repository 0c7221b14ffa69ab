package io.capkit.testsupport;

import io.capkit.api.yaml.YamlDocuments;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Registers the admission webhooks of a deployment manifest (capkit's webhook/config/webhooks.yaml, or a CAPI
 * manager's config/webhook/manifests.yaml) by URL and caBundle instead of a Service and cert-manager's CA
 * injection, so a server running outside the cluster gets exactly the production rules.
 */
public final class WebhookConfigurations {
  private WebhookConfigurations() {}

  /**
   * Applies every Mutating/ValidatingWebhookConfiguration of {@code manifests}, each webhook's service reference
   * rewritten to {@code baseUrl + path}. A non-empty {@code namePrefix} is put before each configuration's name
   * (CAPI's three managers all name theirs {@code mutating-webhook-configuration}). Returns the names applied.
   */
  @SuppressWarnings("unchecked")
  public static List<String> registerByUrl(KubernetesClient client, Path manifests, String baseUrl, String caPem,
                                           String namePrefix, String fieldManager) {
    String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
    String text;
    try {
      text = Files.readString(manifests);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifests, e);
    }
    List<String> names = new ArrayList<>();
    for (Object doc : YamlDocuments.loadAll(manifests.toString(), text)) {
      if (doc == null) {
        continue;
      }
      Map<String, Object> config = (Map<String, Object>) doc;
      Map<String, Object> meta = (Map<String, Object>) config.get("metadata");
      meta.remove("annotations");
      meta.put("name", namePrefix + meta.get("name"));
      for (Map<String, Object> webhook : (List<Map<String, Object>>) config.get("webhooks")) {
        Map<String, Object> clientConfig = (Map<String, Object>) webhook.get("clientConfig");
        Map<String, Object> service = (Map<String, Object>) clientConfig.remove("service");
        clientConfig.put("url", baseUrl + service.get("path"));
        clientConfig.put("caBundle", ca);
      }
      client.resource(Serialization.unmarshal(Serialization.asJson(config), GenericKubernetesResource.class))
          .fieldManager(fieldManager).forceConflicts().serverSideApply();
      names.add(config.get("kind") + "/" + meta.get("name"));
    }
    return names;
  }

  /** The number of webhooks (not configurations) in {@code manifests}. */
  @SuppressWarnings("unchecked")
  public static int countWebhooks(Path manifests) {
    try {
      int n = 0;
      for (Object doc : YamlDocuments.loadAll(manifests.toString(), Files.readString(manifests))) {
        if (doc != null) {
          n += ((List<Object>) ((Map<String, Object>) doc).get("webhooks")).size();
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifests, e);
    }
  }
}
