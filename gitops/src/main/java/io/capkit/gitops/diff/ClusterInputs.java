package io.capkit.gitops.diff;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the rendering of one workload cluster reads, by fleet path: the single rule incremental diffs rely on.
 * A cluster's output depends on its own file, its management cluster's and its organization's
 * {@code defaults.yaml} (present or not), and its release; its output folder mirrors its fleet folder. The
 * renderer reports the same inputs for every rendered cluster ({@code FleetCluster.path}, the origins of its
 * default layers, {@code ReleaseInfo.file}); {@code ClusterInputsTest} holds this rule to that report.
 */
public final class ClusterInputs {
  /** A cluster file's path, as {@link #cluster} matches it (ClusterInputsTest holds the two together). */
  static final Pattern CLUSTER = Pattern.compile(
      "management-clusters/([^/]+)/organizations/([^/]+)/workload-clusters/([^/]+)/cluster\\.yaml");
  private static final String MANAGEMENT_CLUSTERS = "management-clusters/";
  private static final String ORGANIZATIONS = "/organizations/";
  private static final String WORKLOAD_CLUSTERS = "/workload-clusters/";
  private static final String CLUSTER_FILE = "/cluster.yaml";
  private static final Pattern DEFAULTS = Pattern.compile(
      "management-clusters/[^/]+/(organizations/[^/]+/)?defaults\\.yaml");

  private ClusterInputs() {}

  /** A cluster file's place in the fleet. */
  public record ClusterPath(String mc, String org, String name, String path) {
    /** The management cluster folder. */
    public String mcFolder() {
      return "management-clusters/" + mc;
    }

    /** The organization folder: where its shared output (HelmRepositories, kustomizations) goes. */
    public String orgFolder() {
      return mcFolder() + "/organizations/" + org;
    }

    /** The cluster's output folder, the same as its fleet folder. */
    public String folder() {
      return path.substring(0, path.lastIndexOf('/'));
    }

    /** The fleet files its rendering reads: its own, then the management cluster's and organization's defaults. */
    public List<String> fleetInputs() {
      return List.of(path, mcFolder() + "/defaults.yaml", orgFolder() + "/defaults.yaml");
    }
  }

  /**
   * The cluster whose file is {@code path}, if it is a cluster file: {@link #CLUSTER}, matched here by its parts (a
   * fleet has 10,000 of them, and a diff asks for each several times).
   */
  public static Optional<ClusterPath> cluster(String path) {
    if (!path.startsWith(MANAGEMENT_CLUSTERS) || !path.endsWith(CLUSTER_FILE)) {
      return Optional.empty();
    }
    int mcEnd = path.indexOf('/', MANAGEMENT_CLUSTERS.length());
    if (mcEnd <= MANAGEMENT_CLUSTERS.length() || !path.startsWith(ORGANIZATIONS, mcEnd)) {
      return Optional.empty();
    }
    int orgStart = mcEnd + ORGANIZATIONS.length();
    int orgEnd = path.indexOf('/', orgStart);
    if (orgEnd <= orgStart || !path.startsWith(WORKLOAD_CLUSTERS, orgEnd)) {
      return Optional.empty();
    }
    int nameStart = orgEnd + WORKLOAD_CLUSTERS.length();
    int nameEnd = path.length() - CLUSTER_FILE.length();
    if (nameEnd <= nameStart || path.indexOf('/', nameStart) != nameEnd) {
      return Optional.empty();
    }
    return Optional.of(new ClusterPath(path.substring(MANAGEMENT_CLUSTERS.length(), mcEnd),
        path.substring(orgStart, orgEnd), path.substring(nameStart, nameEnd), path));
  }

  /** A management cluster or organization defaults file, read by every cluster below it. */
  public static boolean isDefaults(String path) {
    return DEFAULTS.matcher(path).matches();
  }

  /** Files the renderer skips: Markdown anywhere, and hidden entries. */
  public static boolean isIgnored(String path) {
    return path.endsWith(".md") || hidden(path);
  }

  private static boolean hidden(String path) {
    for (String part : path.split("/")) {
      if (part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
