package io.capkit.api.contract;

import io.capkit.api.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables of one cluster after layering (contract &lt; management cluster &lt; organization &lt; cluster),
 * with the layer each value came from, normalised and validated.
 */
public final class ResolvedVariables {
  /** A value and the layer that set it. */
  public record Value(Object value, Layer from) {}

  private final Map<String, Value> values;
  private final List<Problem> problems;

  private ResolvedVariables(Map<String, Value> values, List<Problem> problems) {
    this.values = Collections.unmodifiableMap(values);
    this.problems = List.copyOf(problems);
  }

  /**
   * Layers {@code layers} (lowest first) over the contract defaults, adds the values capkit derives itself
   * ({@code derived}, e.g. NAMESPACE and KUBERNETES_VERSION) and validates the result. A problem's path is
   * the variable name; a variable set in a layer that may not set it is reported against that layer's origin.
   */
  public static ResolvedVariables resolve(Contract contract, List<Layer> layers, Layer derived) {
    return resolve(new ValidatedLayers(contract), layers, derived);
  }

  /** As {@link #resolve(Contract, List, Layer)}, validating each layer object once across calls sharing {@code validated}. */
  public static ResolvedVariables resolve(ValidatedLayers validated, List<Layer> layers, Layer derived) {
    Contract contract = validated.contract();
    List<Problem> problems = new ArrayList<>();
    Layer base = new Layer("contract", "contract default", contract.defaults());
    Map<String, Value> merged = new LinkedHashMap<>();
    base.values().forEach((k, v) -> merged.put(k, new Value(v, base)));
    for (Layer layer : layers) {
      Map<String, Object> own = layer.values();
      validated.problems(layer).forEach(p -> problems.add(p.inFile(layer.origin())));
      own.forEach((k, v) -> {
        if (contract.variable(k).map(Variable::settable).orElse(false)) {
          merged.put(k, new Value(v, layer));
        }
      });
    }
    derived.values().forEach((k, v) -> {
      if (v != null) {
        merged.put(k, new Value(v, derived));
      }
    });
    Map<String, Object> plain = new LinkedHashMap<>();
    merged.forEach((k, v) -> plain.put(k, v.value()));
    if (problems.isEmpty()) {
      // Layers were valid on their own; cross-field rules (overlaps) can still fail on the merge.
      for (Problem p : contract.validate(plain)) {
        Value v = merged.get(p.path());
        problems.add(v == null ? p : p.inFile(v.from().origin()));
      }
    }
    Map<String, Value> ordered = new LinkedHashMap<>();
    if (problems.isEmpty()) {
      Map<String, Object> normal = contract.normalise(plain);
      for (Variable var : contract.variables()) {
        Value v = merged.get(var.name());
        if (v != null) {
          ordered.put(var.name(), new Value(normal.get(var.name()), v.from()));
        }
      }
    }
    problems.sort(null);
    return new ResolvedVariables(ordered, problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  public boolean valid() {
    return problems.isEmpty();
  }

  /** Name → value and origin, in contract order; empty when invalid. */
  public Map<String, Value> entries() {
    return values;
  }

  public Object get(String name) {
    Value v = values.get(name);
    return v == null ? null : v.value();
  }

  public String string(String name) {
    Object v = get(name);
    return v == null ? null : v.toString();
  }

  public int integer(String name) {
    return ((Number) get(name)).intValue();
  }
}
