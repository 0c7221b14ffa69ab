package io.capkit.gitops.diff;

import java.util.List;
import java.util.Locale;

/** What changed in the rendered output between two fleet versions, per cluster folder, in a fixed order. */
public record FleetDiff(List<ClusterChanges> clusters) {

  public enum ChangeType {
    ADDED("+"), REMOVED("-"), CHANGED("~");

    private final String marker;

    ChangeType(String marker) {
      this.marker = marker;
    }
  }

  /** One object's change; {@code diff} is the unified YAML diff for changed objects, else empty. */
  public record ObjectChange(ChangeType type, ObjectKey key, String diff) {}

  public record ClusterChanges(String cluster, List<ObjectChange> changes) {}

  public boolean isEmpty() {
    return clusters.isEmpty();
  }

  public long count(ChangeType type) {
    return clusters.stream().flatMap(c -> c.changes().stream()).filter(c -> c.type() == type).count();
  }

  /** {@code 3 clusters changed: 2 objects added, 1 removed, 4 changed}, or {@code no changes}. */
  public String summary() {
    if (isEmpty()) {
      return "no changes";
    }
    int n = clusters.size();
    long added = count(ChangeType.ADDED);
    return String.format(Locale.ROOT, "%d %s changed: %d %s added, %d removed, %d changed", n,
        n == 1 ? "cluster" : "clusters", added, added == 1 ? "object" : "objects", count(ChangeType.REMOVED),
        count(ChangeType.CHANGED));
  }

  /** The full report: one block per cluster, one line per object, diffs indented below, summary last. */
  public String format() {
    StringBuilder b = new StringBuilder();
    for (ClusterChanges c : clusters) {
      b.append("cluster ").append(c.cluster()).append('\n');
      for (ObjectChange o : c.changes()) {
        b.append("  ").append(o.type().marker).append(' ').append(o.key()).append('\n');
        if (!o.diff().isEmpty()) {
          o.diff().lines().forEach(line -> b.append("      ").append(line).append('\n'));
        }
      }
    }
    return b.append(summary()).append('\n').toString();
  }

  /** Markdown for a pull request body, cut at {@code maxChars} so it fits the forge's limit. */
  public String markdown(int maxChars) {
    StringBuilder b = new StringBuilder("**Rendered changes:** ").append(summary()).append("\n");
    if (!isEmpty()) {
      b.append("\n```diff\n");
      String body = format();
      String fence = "```\n";
      int room = maxChars - b.length() - fence.length() - 40;
      if (body.length() > room) {
        body = body.substring(0, Math.max(0, room)) + "\n… (cut; run capkit diff for all of it)\n";
      }
      b.append(body).append(fence);
    }
    return b.toString();
  }
}
