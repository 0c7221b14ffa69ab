package io.capkit.bench.capi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PromTextTest {
  @Test
  void sumsTheMatchingSamplesOnly() {
    String text = """
        # HELP operator_sdk_controllers_execution_reconcile_seconds reconcile time
        # TYPE operator_sdk_controllers_execution_reconcile_seconds summary
        operator_sdk_controllers_execution_reconcile_seconds_count{controller="kvmmachinereconciler",result="ok"} 120.0
        operator_sdk_controllers_execution_reconcile_seconds_count{controller="kvmmachinereconciler",result="err"} 3.0 1733490000000
        operator_sdk_controllers_execution_reconcile_seconds_count{controller="kvmclusterreconciler",result="ok"} 40.0
        operator_sdk_controllers_execution_reconcile_seconds_sum{controller="kvmmachinereconciler"} 9.5
        """;
    assertEquals(123.0, PromText.sum(text,
        "operator_sdk_controllers_execution_reconcile_seconds_count{controller=\"kvmmachinereconciler\""));
    assertEquals(2.0, PromText.sum("plain_total 2\n", "plain_total"));
    assertEquals(0.0, PromText.sum(text, "absent_metric"));
  }
}
