package io.capkit.renderer;

import io.capkit.api.contract.ResolvedVariables;
import java.util.List;

/**
 * One workload cluster, rendered.
 *
 * @param objects  the cluster's own objects, in {@link ObjectOrder}
 * @param sources  HelmRepositories its apps need; shared per namespace, so written at the organization level
 * @param warnings things a user should know that do not stop rendering (e.g. a deprecated release)
 */
public record RenderedCluster(FleetCluster source, ReleaseInfo release, ResolvedVariables variables,
                              List<KubeObject> objects, List<KubeObject> sources, List<String> warnings) {}
