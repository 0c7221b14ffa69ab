package io.capkit.api.contract;

import io.capkit.api.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

  /**
   * What a resolution depends on: the values of each layer and of the derived layer (names and origins only label
   * values and problems). Compared by value; a shared defaults map compares by identity first.
   */
  record Key(List<Map<String, Object>> layers, Map<String, Object> derived) {
    // Written out as a record's generated methods behave (Objects.equals of each component; 31 * h(layers) +
    // h(derived)): the generated ones are bound at their first call by ObjectMethods' bootstrap, which spins method
    // handle classes at run time (the AOT cache does not keep them), on the render workers' path.
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Objects.equals(layers, k.layers) && Objects.equals(derived, k.derived);
    }

    @Override
    public int hashCode() {
      return 31 * Objects.hashCode(layers) + Objects.hashCode(derived);
    }
  }

  /**
   * A valid resolution without its layer objects: each value in contract order with the index of the layer it came
   * from ({@link #CONTRACT}, a layer's index, or the number of layers for the derived one).
   */
  record Known(String[] names, Object[] values, int[] from) {
    static final int CONTRACT = -1;
  }

  /**
   * As {@link #resolve(Contract, List, Layer)}, validating each layer object once across calls sharing {@code validated},
   * and remembering valid resolutions by the values of their layers: clusters with the same variables under the same
   * defaults are resolved once. A remembered result is bound to this call's layers (each value keeps the layer it
   * came from); a resolution with problems is never remembered, so its problems name this call's files.
   */
  public static ResolvedVariables resolve(ValidatedLayers validated, List<Layer> layers, Layer derived) {
    List<Map<String, Object>> layerValues = new ArrayList<>(layers.size());
    layers.forEach(l -> layerValues.add(l.values()));
    Key key = new Key(layerValues, derived.values());
    Known known = validated.resolved(key);
    if (known != null) {
      return bind(validated.contractLayer(), known, layers, derived);
    }
    ResolvedVariables fresh = resolveFresh(validated, layers, derived);
    if (fresh.valid()) {
      validated.remember(key, known(fresh, layers, derived));
    }
    return fresh;
  }

  private static Known known(ResolvedVariables r, List<Layer> layers, Layer derived) {
    int n = r.values.size();
    String[] names = new String[n];
    Object[] values = new Object[n];
    int[] from = new int[n];
    int i = 0;
    for (Map.Entry<String, Value> e : r.values.entrySet()) {
      names[i] = e.getKey();
      values[i] = e.getValue().value();
      Layer l = e.getValue().from();
      int at = Known.CONTRACT;
      if (l == derived) {
        at = layers.size();
      } else {
        for (int j = 0; j < layers.size(); j++) {
          if (layers.get(j) == l) {
            at = j;
          }
        }
      }
      from[i++] = at;
    }
    return new Known(names, values, from);
  }

  private static ResolvedVariables bind(Layer base, Known known, List<Layer> layers, Layer derived) {
    Map<String, Value> ordered = new LinkedHashMap<>(known.names().length * 2);
    for (int i = 0; i < known.names().length; i++) {
      int at = known.from()[i];
      Layer from = at == Known.CONTRACT ? base : at == layers.size() ? derived : layers.get(at);
      ordered.put(known.names()[i], new Value(known.values()[i], from));
    }
    return new ResolvedVariables(ordered, List.of());
  }

  private static ResolvedVariables resolveFresh(ValidatedLayers validated, List<Layer> layers, Layer derived) {
    Contract contract = validated.contract();
    List<Problem> problems = new ArrayList<>();
    Layer base = validated.contractLayer();
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
