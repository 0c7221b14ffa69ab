package io.capkit.gitops.promote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** The edits a promotion makes, before any of them is written: one per selected cluster not yet on the release. */
public record PromotionPlan(String release, ClusterSelector selector, List<ClusterEdit> edits,
    List<ClusterFile> alreadyOnRelease) {

  /** Trailer that marks commits capkit made, so a re-run knows it may replace them. */
  public static final String TRAILER = "Promoted-by: capkit";

  public record ClusterEdit(ClusterFile file, String fromRelease, byte[] content) {}

  /** {@code capkit/promote-<release>-<8 hex of the normalised selection>}: the same request, the same branch. */
  public static String branch(String release, ClusterSelector selector) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256")
          .digest(selector.normalized().getBytes(StandardCharsets.UTF_8));
      return "capkit/promote-" + release + "-" + HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
  }

  public String branch() {
    return branch(release, selector);
  }

  /** Repository path → new content. */
  public SortedMap<String, byte[]> files() {
    SortedMap<String, byte[]> m = new TreeMap<>();
    edits.forEach(e -> m.put(e.file().path(), e.content()));
    return m;
  }

  public String title() {
    return "Promote " + edits.size() + (edits.size() == 1 ? " cluster" : " clusters") + " to " + release;
  }

  public String commitMessage() {
    StringBuilder b = new StringBuilder(title()).append("\n\nSelection: ").append(selector.normalized())
        .append("\n\n");
    for (ClusterEdit e : edits) {
      b.append("- ").append(e.file().id()).append(": ").append(e.fromRelease()).append(" -> ").append(release)
          .append('\n');
    }
    return b.append('\n').append(TRAILER).append('\n').toString();
  }
}
