package io.capkit.gitops.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.gitops.diff.FleetDiff.ChangeType;
import io.capkit.gitops.diff.FleetDiff.ClusterChanges;
import io.capkit.gitops.diff.FleetDiff.ObjectChange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** A pull request body asks only the objects it shows for their diff, and reads as when every diff was made first. */
class FleetDiffTest {
  private static FleetDiff report(int clusters, IntFunction<ObjectChange> change) {
    List<ClusterChanges> out = new ArrayList<>();
    for (int c = 0, i = 0; c < clusters; c++) {
      List<ObjectChange> changes = new ArrayList<>();
      for (int o = 0; o < 6; o++) {
        changes.add(change.apply(i++));
      }
      out.add(new ClusterChanges("mc/org/wc-" + c, changes));
    }
    return new FleetDiff(out);
  }

  private static ObjectKey key(int i) {
    return new ObjectKey("cluster.x-k8s.io/v1beta2", "Cluster", "org-a", "wc-" + i);
  }

  private static String diff(int i) {
    if (i % 7 == 3) {
      return ""; // a change whose YAML reads the same (types only): no lines below it
    }
    return "--- a/" + key(i) + "\n+++ b/" + key(i) + "\n@@ -1,3 +1,3 @@\n a: 1\n-release: v1.1.0\n+release: v1.2.0\n"
        + " z: " + i + "\n";
  }

  @Test
  void theBodyMakesOnlyTheDiffsItShows() {
    FleetDiff eager = report(1000, i -> new ObjectChange(i % 5 == 4 ? ChangeType.ADDED : ChangeType.CHANGED, key(i),
        i % 5 == 4 ? "" : diff(i)));
    for (int limit : new int[] {-50, 0, 1, 120, 400, 2_000, 60_000, 10_000_000}) {
      AtomicInteger made = new AtomicInteger();
      FleetDiff onDemand = report(1000, i -> i % 5 == 4 ? new ObjectChange(ChangeType.ADDED, key(i), "")
          : ObjectChange.onDemand(ChangeType.CHANGED, key(i), () -> {
            made.incrementAndGet();
            return diff(i);
          }));
      assertEquals(eager.summary(), onDemand.summary());
      assertEquals(0, made.get(), "the summary needs no diff");
      assertEquals(eager.markdown(limit), onDemand.markdown(limit), "limit " + limit);
      if (limit <= 60_000) {
        assertTrue(made.get() < 4800 / 2, made.get() + " diffs made for a body of " + limit);
      }
      assertEquals(eager, onDemand);
      assertEquals(eager.format(), onDemand.format());
      assertEquals(4800, made.get(), "each diff is made once");
    }
    assertTrue(eager.markdown(60_000).contains("(cut; run capkit diff for all of it)"));
    assertTrue(!eager.markdown(10_000_000).contains("(cut; run capkit diff for all of it)"));
  }
}
