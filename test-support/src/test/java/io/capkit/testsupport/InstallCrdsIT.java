package io.capkit.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A CRD the API server refuses fails the installation with the server's own message, naming the file. */
@ExtendWith(KubeApiServerExtension.class)
class InstallCrdsIT {
  private static final String MISNAMED = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.wrong.example.com}
      spec:
        group: example.com
        names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
        scope: Namespaced
        versions:
        - name: v1
          served: true
          storage: true
          schema: {openAPIV3Schema: {type: object}}
      """;

  @TempDir
  Path tmp;

  @Test
  void aRejectedCrdFailsWithTheServersMessage(EmbeddedApiServer server, KubernetesClient client) throws Exception {
    Path file = Files.writeString(tmp.resolve("widgets.yaml"), MISNAMED);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.installCrds(List.of(file)));
    assertTrue(e.getMessage().startsWith("the API server rejected CRD widgets.wrong.example.com from " + file),
        e.getMessage());
    // The server's reason, not a client-side paraphrase.
    assertTrue(e.getMessage().contains("must be spec.names.plural+\".\"+spec.group"), e.getMessage());
    assertEquals(null, client.apiextensions().v1().customResourceDefinitions().withName("widgets.wrong.example.com")
        .get());
  }

  @Test
  void aGoodCrdIsInstalledAndEstablished(EmbeddedApiServer server, KubernetesClient client) throws Exception {
    Path file = Files.writeString(tmp.resolve("gadgets.yaml"), MISNAMED.replace("widgets.wrong.example.com",
        "gadgets.example.com").replace("Widget", "Gadget").replace("widget", "gadget"));
    assertEquals(1, server.installCrds(List.of(file)).size());
    assertTrue(client.apiextensions().v1().customResourceDefinitions().withName("gadgets.example.com").get()
        .getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
  }
}
