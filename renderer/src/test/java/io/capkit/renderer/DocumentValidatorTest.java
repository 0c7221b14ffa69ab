package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.source.SourceTree;
import io.capkit.renderer.schema.CrdSchemas;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A validator whose rules come from a supplier (capkit validate makes them on a thread of their own). */
class DocumentValidatorTest {
  private static final String MC = "management-clusters/mc-berlin/";
  private static final String WC = MC + "organizations/acme/workload-clusters/staging/cluster.yaml";
  private static final String BROKEN = "broken.yaml";

  /** The example fleet, and a file of each kind that needs the rules, written wrong, and some that do not. */
  private static Map<String, String> files() {
    SourceTree fleet = RepoFiles.exampleFleet();
    Map<String, String> files = new TreeMap<>();
    fleet.files().forEach(f -> files.put(f, new String(fleet.read(f).orElseThrow(), StandardCharsets.UTF_8)));
    files.put(MC + "organizations/acme/workload-clusters/bad/cluster.yaml",
        "apiVersion: fleet.capkit.io/v1alpha1\nkind: WorkloadCluster\nmetadata: {name: bad}\n"
            + "spec: {release: v1.1.0, variables: {POD_IP_RANGE: 10.0.0.0/33, WORKER_MACHINE_COUNT: many}}\n");
    files.put(MC + "organizations/acme/defaults.yaml", files.get(MC + "organizations/acme/defaults.yaml")
        + "  NO_SUCH_VARIABLE: 1\n");
    files.put("machine.yaml", "apiVersion: infrastructure.cluster.x-k8s.io/v1alpha1\nkind: KVMMachine\n"
        + "metadata: {name: m}\nspec: {memory: lots}\n");
    files.put("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
    files.put(BROKEN, "kind: [\n");
    return files;
  }

  private static List<Problem> validate(DocumentValidator v, Map<String, String> files, String f) {
    return v.validate(f, files.get(f), name -> Optional.ofNullable(files.get(name)));
  }

  @Test
  void rulesFromASupplierAreMadeOnceWhenAFileFirstNeedsThemAndGiveTheSameProblems() {
    Map<String, String> files = files();
    DocumentValidator eager = new DocumentValidator(Contract.standard(), CrdSchemas.lazy(List.of()), null);
    AtomicInteger made = new AtomicInteger();
    DocumentValidator lazy = new DocumentValidator(() -> {
      made.incrementAndGet();
      return new DocumentValidator.Rules(Contract.standard());
    }, CrdSchemas.lazy(List.of()), null);
    // Files that need no rules: unreadable YAML, a Kustomization.
    assertEquals(validate(eager, files, BROKEN), validate(lazy, files, BROKEN));
    assertEquals(validate(eager, files, "kustomization.yaml"), validate(lazy, files, "kustomization.yaml"));
    assertEquals(0, made.get());
    boolean someProblems = false;
    for (String f : files.keySet()) {
      List<Problem> expected = validate(eager, files, f);
      someProblems |= !expected.isEmpty() && !f.equals(BROKEN);
      assertEquals(expected, validate(lazy, files, f), f);
    }
    assertEquals(1, made.get());
    assertEquals(true, someProblems);
  }

  @Test
  void whatMakingTheRulesThrewIsThrownWhereAFileFirstNeedsThem() {
    Map<String, String> files = files();
    IllegalStateException failure = new IllegalStateException("no rules");
    DocumentValidator v = new DocumentValidator(() -> {
      throw failure;
    }, CrdSchemas.lazy(List.of()), null);
    assertFalse(validate(v, files, BROKEN).isEmpty());
    assertSame(failure, assertThrows(IllegalStateException.class, () -> validate(v, files, WC)));
    assertSame(failure, assertThrows(IllegalStateException.class, () -> validate(v, files, "machine.yaml")));
  }
}
