package io.capkit.api.contract;

import java.util.Map;

/**
 * One layer of variable values: contract defaults, management-cluster defaults, organization defaults or
 * the cluster itself. {@code origin} says where a user finds it (a file, or "contract").
 */
public record Layer(String name, String origin, Map<String, Object> values) {
  public Layer {
    values = values == null ? Map.of() : values;
  }
}
