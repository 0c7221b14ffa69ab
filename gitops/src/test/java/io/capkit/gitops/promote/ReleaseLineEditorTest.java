package io.capkit.gitops.promote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.gitops.testing.Fleet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseLineEditorTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void changesOnlyTheReleaseScalarAndKeepsEveryOtherByte() {
    String before = Fleet.cluster("wc1", "v1.0.0", "acme");
    ReleaseLineEditor.Edit edit = ReleaseLineEditor.setRelease("c.yaml", utf8(before), "v1.10.0");
    assertEquals("v1.0.0", edit.previousRelease());
    String after = new String(edit.content(), StandardCharsets.UTF_8);
    assertEquals(before.replace("  release: v1.0.0    #", "  release: v1.10.0    #"), after);
  }

  @Test
  void keepsQuotingStyleCrlfAndNonAsciiText() {
    String dq = "apiVersion: x\r\nkind: WorkloadCluster\r\n# größe: ünïcode\r\nspec:\r\n  release: \"v1.0.0\"\r\n";
    assertEquals(dq.replace("\"v1.0.0\"", "\"v2.0.0\""),
        new String(ReleaseLineEditor.setRelease("f", utf8(dq), "v2.0.0").content(), StandardCharsets.UTF_8));
    String sq = "spec: {flavor: kvm, release: 'v1.0.0'}  # flow style\n";
    assertArrayEquals(utf8(sq.replace("'v1.0.0'", "'v1.1.0'")),
        ReleaseLineEditor.setRelease("f", utf8(sq), "v1.1.0").content());
  }

  @Test
  void refusesFilesWhereASpliceIsUnsafe() {
    // Anchors and aliases (merge keys need one) are refused by the YAML reader before any edit is tried.
    for (String shared : List.of("spec:\n  release: &r v1.0.0\nother: *r\n", "base: &r v1.0.0\nspec:\n  release: *r\n",
        "defaults: &d {release: v1.0.0}\nspec: *d\n", "d: &d {release: v1.0.0}\nspec:\n  <<: *d\n  flavor: kvm\n")) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> ReleaseLineEditor.setRelease("f.yaml", utf8(shared), "v1.1.0"));
      assertTrue(e.getMessage().matches("f\\.yaml: line \\d+, column \\d+: anchors \\(&[rd]\\) are not allowed: write"
          + " the value out"), e.getMessage());
    }
    assertRefused("spec:\n  release: |\n    v1.0.0\n", "block scalar");
    assertRefused("spec:\n  release: !!str v1.0.0\n", "tag");
    InvalidInputException multi = assertThrows(InvalidInputException.class, () -> ReleaseLineEditor.setRelease(
        "f.yaml", utf8("spec:\n  release: v1.0.0\n---\nspec:\n  release: v1.0.0\n"), "v1.1.0"));
    assertEquals("f.yaml: expected one YAML document, found 2", multi.getMessage());
  }

  @Test
  void reportsAMissingReleaseAndBadTargetNames() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ReleaseLineEditor.setRelease("f.yaml", utf8("spec:\n  flavor: kvm\n"), "v1.0.0"));
    assertEquals("f.yaml: spec.release: is required", e.getMessage());
    assertThrows(InvalidInputException.class,
        () -> ReleaseLineEditor.setRelease("f.yaml", utf8("spec:\n  release: v1\n"), "v1.0.0\nevil: 1"));
  }

  private static void assertRefused(String yaml, String why) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ReleaseLineEditor.setRelease("f.yaml", utf8(yaml), "v1.1.0"));
    assertTrue(e.getMessage().startsWith("f.yaml: spec.release: cannot be edited safely"), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
