package io.capkit.renderer;

import io.capkit.api.flavor.CompatibilityMatrix;
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

/** The flavors the renderer knows, by name. */
public final class Flavors {
  public static final String DEFAULT = KvmFlavor.NAME;
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

  /** The flavors capkit ships. */
  public static Flavors standard() {
    CompatibilityMatrix matrix = CompatibilityMatrix.standard();
    List<Flavor> all = new ArrayList<>(List.of(new KvmFlavor(), new Metal3Flavor(matrix), new KvmMetal3Flavor(matrix),
        new ByohMetal3Flavor(matrix), new KamajiMetal3Flavor(matrix)));
    // Combinations the seeds show to fail are known by name so that users get the reason.
    matrix.flavors().stream().filter(f -> f.refused() != null)
        .forEach(f -> all.add(new RefusedFlavor(f.name(), f.refused())));
    return new Flavors(all);
  }

  public Optional<Flavor> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Supported names (refused combinations left out), sorted, for messages. */
  public List<String> names() {
    return byName.values().stream().filter(f -> !(f instanceof RefusedFlavor)).map(Flavor::name).sorted().toList();
  }
}
