package io.capkit.api.yaml;

/**
 * Writes YAML double-quoted scalars: the one escaping rule for every YAML capkit emits (renderer output, seed ISO
 * documents). Escapes are the ones YAML 1.2 and JSON share ({@code \\ \" \n \r \t \\uNNNN}), so the result reads back
 * as the same string in YAML 1.1, YAML 1.2 and JSON; everything else printable stays as it is (UTF-8 text).
 */
public final class YamlScalars {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private YamlScalars() {}

  /** {@code s} as a double-quoted scalar, quotes included. */
  public static String doubleQuoted(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    appendDoubleQuoted(b, s);
    return b.toString();
  }

  /** Appends {@code s} as a double-quoted scalar to {@code b}, for emitters that build one buffer. */
  public static void appendDoubleQuoted(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (needsEscape(s, i, c)) {
            b.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /**
   * Outside YAML 1.2's printable set (C0 and C1 controls, DEL, U+FFFE, U+FFFF, an unpaired surrogate), a YAML 1.1
   * line break (NEL, LS, PS, which a reader would fold) or a byte-order mark (readers drop or refuse it).
   */
  private static boolean needsEscape(String s, int i, char c) {
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\ufeff' || c >= '\ufffe') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
