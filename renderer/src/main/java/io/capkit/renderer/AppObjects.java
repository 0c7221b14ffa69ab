package io.capkit.renderer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A release's apps as Flux objects: per app a HelmRelease that installs into the workload cluster through the
 * {@code <cluster>-kubeconfig} Secret CAPI writes, and per chart repository one HelmRepository.
 */
public final class AppObjects {
  public static final String HELM_RELEASE_API = "helm.toolkit.fluxcd.io/v2";
  public static final String SOURCE_API = "source.toolkit.fluxcd.io/v1";
  /** Apps are cluster add-ons; their Helm release records live beside them in the workload cluster. */
  public static final String TARGET_NAMESPACE = "kube-system";
  static final String RELEASE_INTERVAL = "10m";
  static final String REPOSITORY_INTERVAL = "1h";

  private AppObjects() {}

  public static List<KubeObject> helmReleases(ClusterPlan plan, ReleaseInfo release) {
    List<KubeObject> out = new ArrayList<>(release.apps().size());
    for (ReleaseInfo.AppChart app : release.apps()) {
      out.add(KubeObject.of(HELM_RELEASE_API, "HelmRelease", plan.namespace(), plan.name() + "-" + app.name(),
          plan.labels(), OrderedMap.of(
              "interval", RELEASE_INTERVAL,
              "releaseName", app.name(),
              "targetNamespace", TARGET_NAMESPACE,
              "storageNamespace", TARGET_NAMESPACE,
              "kubeConfig", OrderedMap.of("secretRef", OrderedMap.of("name", plan.name() + "-kubeconfig", "key", "value")),
              "chart", OrderedMap.of("spec", OrderedMap.of(
                  "chart", app.chart(),
                  "version", app.version(),
                  // Flux's CRD defaults this; rendering it keeps Git and the stored object equal (no sync drift).
                  "reconcileStrategy", "ChartVersion",
                  "sourceRef", OrderedMap.of("kind", "HelmRepository", "name", app.repositoryName()))),
              "install", OrderedMap.of("createNamespace", true),
              // The chart is the cluster's CoreDNS (see CoreDns): its Service takes the kubelets' clusterDNS address.
              "values", CoreDns.CHART.equals(app.chart()) ? CoreDns.chartValues(plan) : null)));
    }
    return out;
  }

  /** One HelmRepository per distinct repository URL the release uses, in the cluster's namespace. */
  public static List<KubeObject> helmRepositories(String namespace, ReleaseInfo release) {
    Map<String, KubeObject> byName = new LinkedHashMap<>();
    for (ReleaseInfo.AppChart app : release.apps()) {
      byName.computeIfAbsent(app.repositoryName(), n -> KubeObject.of(SOURCE_API, "HelmRepository", namespace, n,
          null, OrderedMap.of(
              "type", app.repositoryType().equals("oci") ? "oci" : null,
              "interval", REPOSITORY_INTERVAL,
              // The CRD's default, written out so that Git and the stored object are equal.
              "provider", "generic",
              "url", app.repositoryUrl())));
    }
    return List.copyOf(byName.values());
  }
}
