package io.capkit.renderer;

import io.capkit.renderer.kvm.KvmFlavor;
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
    return new Flavors(List.of(new KvmFlavor()));
  }

  public Optional<Flavor> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Supported names, sorted, for messages. */
  public List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }
}
