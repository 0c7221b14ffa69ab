package io.capkit.bench.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.capkit.bench.capi.MachineSetLog.Batch;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineSetLogTest {
  private static String created(int i, int n) {
    return "I1206 14:02:29.370551   19802 machineset_controller.go:1023] \"Machine capi-bench/scale-md-0-x-" + i
        + " created (scale up, creating " + i + " of " + n + ")\" controller=\"machineset\"";
  }

  @Test
  void aReconcileCutOffByItsDeadlineShowsAsAShortBatch() {
    List<String> lines = List.of(
        created(1, 100), "I1206 other line", created(2, 100), created(3, 100),
        "E1206 14:03:28.537128   19802 controller.go:494] \"Reconciler error\" err=\"[failed to sync replicas: "
            + "context deadline exceeded]\" controller=\"machineset\" controllerGroup=\"cluster.x-k8s.io\"",
        "E1206 14:03:29.000000   19802 controller.go:494] \"Reconciler error\" err=\"context deadline exceeded\" "
            + "controller=\"machine\"",
        created(1, 97), created(2, 97));
    assertEquals(List.of(new Batch(3, 100), new Batch(2, 97)), MachineSetLog.batches(lines));
    assertEquals(1, MachineSetLog.deadlineErrors(lines));
    assertEquals(List.of(), MachineSetLog.batches(List.of("nothing")));
  }
}
