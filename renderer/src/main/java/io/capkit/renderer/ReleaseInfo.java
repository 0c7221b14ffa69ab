package io.capkit.renderer;

import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseState;
import java.util.List;
import java.util.Map;

/**
 * A parsed, checked Release with what every cluster on it needs precomputed.
 *
 * @param name              vX.Y.Z
 * @param file              where it was read from, for messages
 * @param state             lifecycle state
 * @param kubernetesVersion normalised, with {@code v}
 * @param components        component name → version
 * @param apps              the apps, in release order
 * @param release           the Release object itself, for the api rules that take one
 */
public record ReleaseInfo(String name, String file, ReleaseState state, String kubernetesVersion,
                          Map<String, String> components, List<AppChart> apps, Release release) {

  /**
   * One app of a release and the chart it installs.
   *
   * @param repositoryName the deterministic name of the HelmRepository for {@code repositoryUrl}
   * @param repositoryType {@code oci} or {@code default}
   */
  public record AppChart(String name, String chart, String version, String repositoryUrl, String repositoryName,
                         String repositoryType) {}
}
