package io.capkit.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key=value} arguments the benchmark harnesses take from their run.sh, in order given. */
public final class KeyValueArgs {
  private KeyValueArgs() {}

  public static Map<String, String> parse(String[] argv) {
    Map<String, String> a = new LinkedHashMap<>();
    for (String s : argv) {
      int i = s.indexOf('=');
      if (i <= 0) {
        throw new IllegalArgumentException("expected key=value, got \"" + s + "\"");
      }
      a.put(s.substring(0, i), s.substring(i + 1));
    }
    return a;
  }
}
