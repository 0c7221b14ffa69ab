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
      String escape = escape(s, i, c);
      if (escape == null) {
        b.append(c);
      } else {
        b.append(escape);
      }
    }
    b.append('"');
  }

  /** Appends {@code s} as a double-quoted scalar to {@code b} in UTF-8, for emitters that write bytes. */
  public static void appendDoubleQuoted(Utf8Buffer b, String s) {
    b.ascii('"');
    int plainFrom = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        continue;
      }
      String escape = escape(s, i, c);
      if (escape != null) {
        b.append(s, plainFrom, i);
        b.append(escape);
        plainFrom = i + 1;
      }
    }
    b.append(s, plainFrom, s.length());
    b.ascii('"');
  }

  // What stands for character i of s in a double-quoted scalar, or null when it stays as it is.
  private static String escape(String s, int i, char c) {
    switch (c) {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        if (needsEscape(s, i, c)) {
          return new String(new char[] {'\\', 'u', HEX[(c >> 12) & 0xf], HEX[(c >> 8) & 0xf], HEX[(c >> 4) & 0xf],
              HEX[c & 0xf]});
        }
        return null;
    }
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
