package io.capkit.renderer.yaml;

/**
 * A clusterctl variable reference such as {@code ${WORKER_MACHINE_COUNT:=3}}: written unquoted, so that after
 * substitution an integer stays an integer.
 */
public record Placeholder(String text) {
  public static Placeholder of(String variable, Object defaultValue) {
    return new Placeholder(defaultValue == null ? "${" + variable + "}" : "${" + variable + ":=" + defaultValue + "}");
  }

  @Override
  public String toString() {
    return text;
  }
}
