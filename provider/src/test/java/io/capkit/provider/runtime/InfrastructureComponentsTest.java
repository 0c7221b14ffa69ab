package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.yaml.YamlDocuments;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checked-in infrastructure-components.yaml must equal what provider/config and crds/ give; -Dgolden.update=true rewrites it. */
class InfrastructureComponentsTest {
  private static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));

  @Test
  @SuppressWarnings("unchecked")
  void checkedInComponentsMatchTheManifestsAndCrds() throws Exception {
    String generated = InfrastructureComponents.render(ROOT);
    Path file = ROOT.resolve(InfrastructureComponents.CHECKED_IN);
    if (Boolean.getBoolean("golden.update")) {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, generated, StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), generated,
        "provider/clusterctl/infrastructure-components.yaml is stale: run mvn -pl provider test -Dgolden.update=true");

    List<Object> docs = YamlDocuments.loadAll("infrastructure-components.yaml", generated);
    List<String> kinds = docs.stream().map(d -> (String) ((Map<String, Object>) d).get("kind")).toList();
    assertEquals(List.of("Namespace", "CustomResourceDefinition", "CustomResourceDefinition",
        "CustomResourceDefinition", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
        "Role", "RoleBinding", "Deployment"), kinds);
    for (Object d : docs) {
      Map<String, Object> meta = (Map<String, Object>) ((Map<String, Object>) d).get("metadata");
      Map<String, Object> labels = (Map<String, Object>) meta.get("labels");
      assertEquals("infrastructure-kvm", labels.get("cluster.x-k8s.io/provider"), String.valueOf(meta.get("name")));
      Object ns = meta.get("namespace");
      assertTrue(ns == null || ns.equals("capk-system"), "one namespace only: " + ns);
    }
    Map<String, Object> deployment = (Map<String, Object>) docs.get(docs.size() - 1);
    String spec = deployment.toString();
    assertTrue(spec.contains("name=manager"), spec);
  }

  @Test
  @SuppressWarnings("unchecked")
  void rbacGrantsNoWriteOnCapiObjectsOrSecrets() throws Exception {
    Map<String, Object> role = YamlDocuments.loadAll("role.yaml",
        Files.readString(ROOT.resolve("provider/config/role.yaml"))).stream()
        .map(d -> (Map<String, Object>) d).filter(d -> "ClusterRole".equals(d.get("kind"))).findFirst().orElseThrow();
    for (Map<String, Object> rule : (List<Map<String, Object>>) role.get("rules")) {
      List<String> groups = (List<String>) rule.get("apiGroups");
      List<String> resources = (List<String>) rule.get("resources");
      List<String> verbs = (List<String>) rule.get("verbs");
      assertTrue(!verbs.contains("*") && !resources.contains("*") && !groups.contains("*"), rule.toString());
      if (groups.contains("cluster.x-k8s.io") || resources.contains("kvmhosts") || resources.contains("namespaces")) {
        assertEquals(List.of("get", "list", "watch"), verbs);
      }
      if (resources.contains("metal3clusters")) {
        // Only the one named like the KVMCluster: its owner reference, its deletion; no list, watch or update.
        assertEquals(List.of("metal3clusters"), resources);
        assertEquals(List.of("get", "patch", "delete"), verbs);
        continue;
      }
      if (resources.contains("secrets")) {
        // By name only: no list or watch, so the provider cannot cache every cluster's CA and kubeconfig Secrets.
        assertEquals(List.of("get"), verbs);
      }
      assertTrue(!verbs.contains("delete"), "the provider deletes no API objects but adopted Metal3Clusters: " + rule);
    }
  }
}
