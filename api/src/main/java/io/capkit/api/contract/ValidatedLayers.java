package io.capkit.api.contract;

import io.capkit.api.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The problems of each layer on its own (before the merge), computed once per layer object: the clusters of
 * an organization share its and their management cluster's defaults layers. Thread-safe; keyed by identity
 * because a layer's values are only read, and comparing maps by value would cost about as much as validating.
 */
public final class ValidatedLayers {
  /** How many valid resolutions are remembered (least recently used dropped): bounded whatever the fleet's size. */
  static final int REMEMBERED_RESOLUTIONS = 1024;
  private final Contract contract;
  private final Map<Layer, List<Problem>> problems = Collections.synchronizedMap(new IdentityHashMap<>());
  // Valid resolutions by the values of their layers: see ResolvedVariables.resolve(ValidatedLayers, ...).
  private final LruMemo<ResolvedVariables.Key, ResolvedVariables.Known> resolved =
      new LruMemo<>(REMEMBERED_RESOLUTIONS);

  private volatile Layer contractLayer;

  public ValidatedLayers(Contract contract) {
    this.contract = contract;
  }

  /** The contract defaults as the lowest layer, built once. */
  Layer contractLayer() {
    Layer l = contractLayer;
    if (l == null) {
      l = new Layer("contract", "contract default", java.util.Collections.unmodifiableMap(contract.defaults()));
      contractLayer = l;
    }
    return l;
  }

  public Contract contract() {
    return contract;
  }

  /** The layer's own problems, paths being variable names and without a file. */
  List<Problem> problems(Layer layer) {
    List<Problem> known = problems.get(layer);
    if (known == null) {
      known = check(contract, layer);
      problems.put(layer, known);
    }
    return known;
  }

  ResolvedVariables.Known resolved(ResolvedVariables.Key key) {
    return resolved.find(key);
  }

  void remember(ResolvedVariables.Key key, ResolvedVariables.Known known) {
    resolved.put(key, known);
  }

  int rememberedResolutions() {
    return resolved.size();
  }

  static List<Problem> check(Contract contract, Layer layer) {
    Map<String, Object> own = layer.values();
    List<Problem> found = new ArrayList<>(contract.validate(own));
    found.addAll(contract.derivedProblems(own));
    return List.copyOf(found);
  }
}
