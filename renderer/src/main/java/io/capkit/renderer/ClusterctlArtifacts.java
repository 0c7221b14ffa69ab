package io.capkit.renderer;

import io.capkit.api.contract.Contract;
import io.capkit.api.contract.KubernetesVersion;
import io.capkit.api.contract.Variable;
import io.capkit.renderer.yaml.Placeholder;
import io.capkit.renderer.yaml.YamlWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * clusterctl's view of the same contract: {@code cluster-template.yaml} (the flavor's objects with
 * {@code ${VAR:=default}} for variables with a default and {@code ${VAR}} for required ones) and
 * {@code metadata.yaml} (the provider's release series). Apps are left out: they come from a Release.
 */
public final class ClusterctlArtifacts {
  public static final String CLUSTER_NAME = "${CLUSTER_NAME}";
  public static final String PROVIDER_COMPONENT = "cluster-api-provider-kvm";
  static final String HEADER = "# Generated from the capkit variable contract by ClusterctlArtifactsTest; do not edit.\n";
  /**
   * Variables the template leaves out: its endpoint is the DNS name {@code <cluster>.k8s.<BASE_DOMAIN>}, which kube-vip
   * cannot announce, so clusterctl users put a load balancer in front (CONTROL_PLANE_LOAD_BALANCER=external).
   */
  public static final Set<String> NOT_IN_TEMPLATE = Set.of("CONTROL_PLANE_LOAD_BALANCER",
      "KUBE_VIP_INTERFACE");

  private ClusterctlArtifacts() {}

  /** The template for {@code flavor}; clusterctl substitutes the variables. */
  public static String clusterTemplate(Contract contract, Flavor flavor) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Variable v : contract.variables()) {
      values.put(v.name(), Placeholder.of(v.name(), v.defaultValue()));
    }
    String base = Placeholder.of("BASE_DOMAIN", contract.variable("BASE_DOMAIN").map(Variable::defaultValue)
        .orElse(null)).text();
    ClusterPlan plan = new ClusterPlan(CLUSTER_NAME, values.get("NAMESPACE").toString(), null,
        values.get("KUBERNETES_VERSION"), CLUSTER_NAME + ".k8s." + base, Renderer.DEFAULT_API_PORT, values);
    List<KubeObject> objects = new ArrayList<>(flavor.render(plan));
    objects.sort(ObjectOrder.COMPARATOR);
    List<Map<String, ?>> docs = new ArrayList<>();
    objects.forEach(o -> docs.add(o.document()));
    return HEADER + YamlWriter.writeAll(docs);
  }

  /** {@code metadata.yaml}: one release series per provider major.minor found in the releases. */
  public static String metadata(ReleaseCatalog catalog) {
    TreeSet<KubernetesVersion> series = new TreeSet<>();
    for (ReleaseInfo r : catalog.all()) {
      String v = r.components().get(PROVIDER_COMPONENT);
      if (v != null) {
        KubernetesVersion k = KubernetesVersion.parse(v);
        series.add(new KubernetesVersion(k.major(), k.minor(), 0, null));
      }
    }
    List<Object> list = new ArrayList<>();
    series.forEach(s -> list.add(OrderedMap.of("major", s.major(), "minor", s.minor(), "contract", "v1beta2")));
    return HEADER + YamlWriter.write(OrderedMap.of(
        "apiVersion", "clusterctl.cluster.x-k8s.io/v1alpha3",
        "kind", "Metadata",
        "releaseSeries", list));
  }

  /** The variable table for the README, as Markdown. */
  public static String variableTable(Contract contract) {
    StringBuilder b = new StringBuilder();
    b.append("<!-- Generated from api/src/main/resources/io/capkit/api/contract/variables.schema.json by "
        + "ClusterctlArtifactsTest; do not edit. -->\n");
    b.append("# Cluster variables\n\n");
    b.append("Layering: contract default < management cluster `defaults.yaml` < organization `defaults.yaml` "
        + "< the cluster's `spec.variables`.\n\n");
    b.append("| Name | Description | Required by clusterctl | Default | Set from |\n");
    b.append("| --- | --- | --- | --- | --- |\n");
    for (Variable v : contract.variables()) {
      b.append("| `").append(v.name()).append("` | ").append(v.description().replace("|", "\\|"))
          .append(" | ").append(v.clusterctlRequired() ? "yes" : "no")
          .append(" | ").append(v.defaultValue() == null ? "none" : "`" + v.defaultValue() + "`")
          .append(" | ").append(v.settable() ? "`spec.variables`" : "`" + v.source() + "`")
          .append(" |\n");
    }
    return b.toString();
  }
}
