package io.capkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.YamlDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The manifests run the image this module builds, tagged with the project version: the webhook Deployment, the
 * provider's manager Deployment (as a clusterctl default) and the generated infrastructure-components.yaml. One
 * image serves both, so each container's args start with the capkit command it runs.
 */
class ManifestImagesTest {
  static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));
  static final String IMAGE = System.getProperty("image.name", "ghcr.io/capkit/capkit") + ":"
      + System.getProperty("image.tag", "unset");

  @Test
  void theTagIsTheProjectVersion() {
    assertEquals(System.getProperty("project.version"), System.getProperty("image.tag"));
    assertTrue(IMAGE.matches("[a-z0-9./-]+:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}"), "a valid image reference: " + IMAGE);
  }

  @Test
  void theWebhookDeploymentRunsTheImage() throws Exception {
    assertEquals(List.of(IMAGE), images("webhook/config/deployment.yaml"));
    assertEquals(List.of("webhook", "serve"), ImageIT.deploymentArgs("webhook/config/deployment.yaml").subList(0, 2));
  }

  @Test
  void theProviderManagerAndItsClusterctlComponentsRunTheImage() throws Exception {
    String byDefault = "${KVM_PROVIDER_IMAGE:=" + IMAGE + "}";
    assertEquals(List.of(byDefault), images("provider/config/manager.yaml"));
    assertEquals(List.of(byDefault), images("provider/clusterctl/infrastructure-components.yaml"));
    assertEquals(List.of("provider", "run"), ImageIT.deploymentArgs("provider/config/manager.yaml").subList(0, 2));
  }

  /** The container images of every Deployment in the file. */
  @SuppressWarnings("unchecked")
  private static List<String> images(String manifest) throws Exception {
    List<String> out = new ArrayList<>();
    for (Object d : YamlDocuments.loadAll(manifest, Files.readString(ROOT.resolve(manifest)))) {
      Map<String, Object> doc = (Map<String, Object>) d;
      if (!"Deployment".equals(doc.get("kind"))) {
        continue;
      }
      Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("spec"))
          .get("template")).get("spec");
      for (Object c : (List<Object>) pod.get("containers")) {
        out.add(String.valueOf(((Map<String, Object>) c).get("image")));
      }
    }
    return out;
  }
}
