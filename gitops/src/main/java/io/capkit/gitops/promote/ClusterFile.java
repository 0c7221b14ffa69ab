package io.capkit.gitops.promote;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WorkloadCluster file in the fleet layout
 * {@code management-clusters/<mc>/organizations/<org>/workload-clusters/<name>/cluster.yaml}.
 * {@code path} is relative to the repository root.
 */
public record ClusterFile(String path, String managementCluster, String organization, String name) {
  private static final Pattern LAYOUT = Pattern.compile(
      "management-clusters/([^/]+)/organizations/([^/]+)/workload-clusters/([^/]+)/cluster\\.yaml");

  /** The cluster file at {@code relative} (inside the fleet folder {@code fleetPrefix}), if it is one. */
  public static Optional<ClusterFile> match(String fleetPrefix, String relative) {
    Matcher m = LAYOUT.matcher(relative);
    return m.matches() ? Optional.of(new ClusterFile(fleetPrefix + relative, m.group(1), m.group(2), m.group(3)))
        : Optional.empty();
  }

  /** {@code mc/org/name}, for messages. */
  public String id() {
    return managementCluster + "/" + organization + "/" + name;
  }
}
