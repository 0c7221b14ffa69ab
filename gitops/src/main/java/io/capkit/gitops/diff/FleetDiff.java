package io.capkit.gitops.diff;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/** What changed in the rendered output between two fleet versions, per cluster folder, in a fixed order. */
public record FleetDiff(List<ClusterChanges> clusters) {

  public enum ChangeType {
    ADDED("+"), REMOVED("-"), CHANGED("~");

    private final String marker;

    ChangeType(String marker) {
      this.marker = marker;
    }
  }

  /**
   * One object's change; {@link #diff()} is the unified YAML diff for changed objects, else empty. A value, as a
   * record would be (equality, hash and text from type, key and diff).
   */
  public static final class ObjectChange {
    private final ChangeType type;
    private final ObjectKey key;
    private Supplier<String> make; // until the diff is made; guarded by this
    private String diff;

    public ObjectChange(ChangeType type, ObjectKey key, String diff) {
      this.type = Objects.requireNonNull(type);
      this.key = Objects.requireNonNull(key);
      this.diff = Objects.requireNonNull(diff);
    }

    private ObjectChange(ChangeType type, ObjectKey key, Supplier<String> make) {
      this.type = Objects.requireNonNull(type);
      this.key = Objects.requireNonNull(key);
      this.make = Objects.requireNonNull(make);
    }

    /** A change whose diff {@code make} makes when it is first asked for (what it needs is kept until then). */
    static ObjectChange onDemand(ChangeType type, ObjectKey key, Supplier<String> make) {
      return new ObjectChange(type, key, make);
    }

    public ChangeType type() {
      return type;
    }

    public ObjectKey key() {
      return key;
    }

    public synchronized String diff() {
      if (diff == null) {
        diff = Objects.requireNonNull(make.get());
        make = null;
      }
      return diff;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ObjectChange c && type == c.type && key.equals(c.key) && diff().equals(c.diff());
    }

    @Override
    public int hashCode() {
      return Objects.hash(type, key, diff());
    }

    @Override
    public String toString() {
      return "ObjectChange[type=" + type + ", key=" + key + ", diff=" + diff() + "]";
    }
  }

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
    return format(Integer.MAX_VALUE);
  }

  // The report, or a prefix of it longer than `enough` characters: the objects after it are not asked for their diff.
  private String format(int enough) {
    StringBuilder b = new StringBuilder();
    for (ClusterChanges c : clusters) {
      b.append("cluster ").append(c.cluster()).append('\n');
      for (ObjectChange o : c.changes()) {
        if (b.length() > enough) {
          return b.toString();
        }
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
      String fence = "```\n";
      int room = maxChars - b.length() - fence.length() - 40;
      String body = format(Math.max(0, room)); // the report's first room + 1 characters or more, or all of it
      if (body.length() > room) {
        body = body.substring(0, Math.max(0, room)) + "\n… (cut; run capkit diff for all of it)\n";
      }
      b.append(body).append(fence);
    }
    return b.toString();
  }
}
