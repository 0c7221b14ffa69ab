package io.capkit.api.contract;

/**
 * One contract variable, as declared in {@code variables.schema.json}.
 *
 * @param name            the clusterctl variable name, e.g. {@code POD_IP_RANGE}
 * @param type            JSON Schema type: {@code integer} or {@code string}
 * @param defaultValue    the contract default, or null when there is none
 * @param rule            the semantic rule beyond the schema ({@code cidr}, {@code memory}, …), or null
 * @param source          where capkit takes the value from instead of the variables map, or null
 * @param clusterctlRequired whether the clusterctl provider contract requires it
 */
public record Variable(String name, String description, String type, Object defaultValue, String rule,
                       String source, boolean clusterctlRequired) {

  /** True when users set this variable themselves (not derived from metadata or the release). */
  public boolean settable() {
    return source == null;
  }
}
