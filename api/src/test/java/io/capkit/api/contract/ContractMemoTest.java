package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The per-value memo of schema results gives exactly what validating the whole map at once gives. */
class ContractMemoTest {
  private static final Contract CONTRACT = Contract.standard();

  private static Set<String> texts(Set<ValidationMessage> messages) {
    Set<String> out = new TreeSet<>();
    messages.forEach(m -> out.add(m.getInstanceLocation() + " | " + m.getMessage()));
    return out;
  }

  @Test
  void memoisedMessagesEqualWholeMapMessagesForValidAndInvalidValues() {
    List<Object> samples = List.of(0, 1, 3, 4, 99999, -1, "", "x", "4GB", "10.0.0.0/8", "v1.33.1", "a".repeat(300),
        true, 2.5, List.of(1), Map.of("a", 1));
    List<Map<String, Object>> maps = new ArrayList<>();
    maps.add(new LinkedHashMap<>(CONTRACT.defaults()));
    for (Variable v : CONTRACT.variables()) {
      for (Object sample : samples) {
        Map<String, Object> m = new LinkedHashMap<>(CONTRACT.defaults());
        m.put(v.name(), sample);
        maps.add(m);
      }
    }
    int invalid = 0;
    // Twice: the second pass reads every result from the memo.
    for (int pass = 0; pass < 2; pass++) {
      for (Map<String, Object> m : maps) {
        Set<String> whole = texts(CONTRACT.wholeMapMessages(m));
        assertEquals(whole, texts(CONTRACT.schemaMessages(m)), m.toString());
        invalid += whole.isEmpty() ? 0 : 1;
      }
    }
    assertFalse(invalid == 0, "the samples include invalid values");
  }

  @Test
  void theMemoKeepsRememberingRecentValuesAfterManyDistinctOnes() {
    Contract contract = Contract.standard();
    for (int i = 0; i < Contract.MAX_REMEMBERED * 2; i++) {
      contract.validate(Map.of("WORKER_MACHINE_COUNT", i));
    }
    contract.validate(Map.of("WORKER_MACHINE_COUNT", 3));
    assertTrue(contract.remembersSchemaResult("WORKER_MACHINE_COUNT", 3), "a value seen last is remembered");
    assertFalse(contract.remembersSchemaResult("WORKER_MACHINE_COUNT", 0), "the oldest value was evicted");
    assertTrue(contract.rememberedSchemaResults() <= Contract.MAX_REMEMBERED);
  }
}
