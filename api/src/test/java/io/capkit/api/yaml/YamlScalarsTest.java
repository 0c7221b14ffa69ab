package io.capkit.api.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlScalarsTest {
  /** Strings that break naive quoting: escapes, every C0/C1 control, YAML 1.1 line breaks, surrogates, BOM. */
  private static List<String> tricky() {
    List<String> out = new ArrayList<>(List.of(
        "", "plain", "say \"hi\"", "back\\slash", "\\\"", "a\nb", "a\r\nb", "\r", "tab\there", "trailing \n\n",
        " leading and trailing ", "# not a comment", "key: value", "- item", "[1, 2]", "{a: b}", "*alias", "&anchor",
        "!tag", "%directive", "@at", "`tick`", "'single'", "yes", "NO", "null", "~", "1e3", "0x1F", "---", "...",
        "ü ğ ş İ ı", "日本語", "emoji 😀 pair", "\u0085nel", "ls\u2028ps\u2029", "\ufeffbom", "\ufffe\uffff",
        "lone \ud800 high", "lone \udc00 low", "\udc00\ud800 reversed", "\ud83d", "#cloud-config\nruncmd: [x]\n"));
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0xa0; c++) {
      if (c < 0x20 || c >= 0x7f) {
        controls.append(c);
      }
    }
    out.add(controls.toString());
    return out;
  }

  @Test
  void theByteWriterWritesExactlyTheTextOfTheStringWriterInUtf8() {
    Utf8Buffer b = new Utf8Buffer(4);
    for (String s : tricky()) {
      b.clear();
      b.append("x: ");
      YamlScalars.appendDoubleQuoted(b, s);
      assertEquals("x: " + YamlScalars.doubleQuoted(s), b.toString(), s);
      org.junit.jupiter.api.Assertions.assertArrayEquals(("x: " + YamlScalars.doubleQuoted(s))
          .getBytes(java.nio.charset.StandardCharsets.UTF_8), b.toByteArray(), s);
    }
  }

  @Test
  void everyTrickyStringReadsBackEqualThroughTheProjectParser() {
    for (String s : tricky()) {
      Map<String, Object> doc = YamlDocuments.loadOne("test", "v: " + YamlScalars.doubleQuoted(s) + "\n");
      assertEquals(s, doc.get("v"), () -> "round trip of " + YamlScalars.doubleQuoted(s));
    }
  }

  @Test
  void allTrickyStringsReadBackInsideAFlowSequenceToo() {
    List<String> all = tricky();
    StringBuilder b = new StringBuilder("v: [");
    for (int i = 0; i < all.size(); i++) {
      b.append(i == 0 ? "" : ", ");
      YamlScalars.appendDoubleQuoted(b, all.get(i));
    }
    assertEquals(all, YamlDocuments.loadOne("test", b.append("]\n").toString()).get("v"));
  }

  @Test
  void shortEscapesForCommonCharactersAndFourDigitsForTheRest() {
    assertEquals("\"a\\\\b\\\"c\\nd\\re\\tf\"", YamlScalars.doubleQuoted("a\\b\"c\nd\re\tf"));
    assertEquals("\"\\u0000\\u001b\\u007f\\u0085\\u2028\\ufeff\"",
        YamlScalars.doubleQuoted("\u0000\u001b\u007f\u0085\u2028\ufeff"));
    assertEquals("\"\\ud800x\"", YamlScalars.doubleQuoted("\ud800x"));
  }

  @Test
  void printableTextStaysAsItIsIncludingSurrogatePairs() {
    for (String s : List.of("ü ğ İ", "日本語", "😀", "key: value # x")) {
      assertEquals("\"" + s + "\"", YamlScalars.doubleQuoted(s));
    }
  }

  @Test
  void outputHasNoRawLineBreakOrControlCharacter() {
    for (String s : tricky()) {
      String q = YamlScalars.doubleQuoted(s);
      assertTrue(q.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029),
          q);
    }
  }
}
