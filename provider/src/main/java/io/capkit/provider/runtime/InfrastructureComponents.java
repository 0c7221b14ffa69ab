package io.capkit.provider.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * clusterctl's {@code infrastructure-components.yaml}, assembled from the provider manifests in provider/config and
 * the KVM CRDs in crds/, in a fixed order: namespace, CRDs, service account, RBAC, the manager Deployment.
 */
public final class InfrastructureComponents {
  public static final String CHECKED_IN = "provider/clusterctl/infrastructure-components.yaml";
  static final List<String> PARTS = List.of(
      "provider/config/namespace.yaml",
      "crds/infrastructure.cluster.x-k8s.io_kvmclusters.yaml",
      "crds/infrastructure.cluster.x-k8s.io_kvmclustertemplates.yaml",
      "crds/infrastructure.cluster.x-k8s.io_kvmmachines.yaml",
      "crds/infrastructure.cluster.x-k8s.io_kvmmachinetemplates.yaml",
      "provider/config/service_account.yaml",
      "provider/config/role.yaml",
      "provider/config/leader_election_role.yaml",
      "provider/config/manager.yaml");

  private InfrastructureComponents() {}

  public static String render(Path repoRoot) throws IOException {
    StringBuilder b = new StringBuilder("# Generated from provider/config and crds/ by InfrastructureComponentsTest;"
        + " do not edit.\n");
    for (String part : PARTS) {
      String text = Files.readString(repoRoot.resolve(part), StandardCharsets.UTF_8);
      b.append("---\n# Source: ").append(part).append('\n').append(text.endsWith("\n") ? text : text + "\n");
    }
    return b.toString();
  }
}
