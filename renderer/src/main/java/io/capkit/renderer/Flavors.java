package io.capkit.renderer;

import io.capkit.api.flavor.CompatibilityMatrix;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.renderer.kvm.KvmFlavor;
import io.capkit.renderer.metal3.ByohMetal3Flavor;
import io.capkit.renderer.metal3.KamajiMetal3Flavor;
import io.capkit.renderer.metal3.KvmMetal3Flavor;
import io.capkit.renderer.metal3.Metal3Flavor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The flavors the renderer knows, by name. */
public final class Flavors {
  public static final String DEFAULT = WorkloadClusterRules.DEFAULT_FLAVOR;
  private final Map<String, Flavor> byName;

  public Flavors(List<Flavor> flavors) {
    Map<String, Flavor> m = new LinkedHashMap<>();
    flavors.forEach(f -> {
      if (m.put(f.name(), f) != null) {
        throw new IllegalArgumentException("two flavors are called " + f.name());
      }
    });
    this.byName = Map.copyOf(m);
  }

  /**
   * The flavors capkit ships: one implementation for each flavor the compatibility matrix supports (the list
   * {@link WorkloadClusterRules#FLAVORS} admits), so the two cannot drift apart.
   */
  public static Flavors standard() {
    CompatibilityMatrix matrix = CompatibilityMatrix.standard();
    List<Flavor> all = new ArrayList<>(List.of(new KvmFlavor(), new Metal3Flavor(matrix), new KvmMetal3Flavor(matrix),
        new ByohMetal3Flavor(matrix), new KamajiMetal3Flavor(matrix)));
    Set<String> implemented = all.stream().map(Flavor::name).collect(Collectors.toSet());
    if (!implemented.equals(WorkloadClusterRules.FLAVORS)) {
      throw new IllegalStateException("the renderer implements flavors " + new TreeSet<>(implemented)
          + " but the compatibility matrix supports " + new TreeSet<>(WorkloadClusterRules.FLAVORS));
    }
    return new Flavors(all);
  }

  public Optional<Flavor> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The names, sorted, for messages. */
  public List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }
}
