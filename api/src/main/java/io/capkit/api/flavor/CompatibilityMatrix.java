package io.capkit.api.flavor;

import io.capkit.api.contract.KubernetesVersion;
import io.capkit.api.yaml.ResourceTrees;
import io.capkit.api.yaml.YamlDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flavor compatibility matrix ({@code compatibility.yaml}): which CAPI contract a release's cluster-api-core
 * version means, which API version each provider serves under each contract, and for every flavor × contract
 * whether capkit renders it or refuses it, with the reason. The renderer, {@code capkit flavors} and the
 * README table all read it from here.
 */
public final class CompatibilityMatrix {
  public static final String RESOURCE = "/io/capkit/api/flavor/compatibility.yaml";

  /** A contract and the cluster-api-core versions that follow it: {@code from <= v < until} (until may be null). */
  public record ContractRange(String name, KubernetesVersion from, KubernetesVersion until) {
    boolean contains(KubernetesVersion v) {
      return v.compareTo(from) >= 0 && (until == null || v.compareTo(until) < 0);
    }
  }

  /** A provider: its release components and its API versions by contract, role → apiVersion. */
  public record Provider(String name, List<String> components, Map<String, Map<String, String>> apiVersions,
                         String refused) {}

  /** A flavor as the matrix describes it; {@code refused} is set when no contract can render it. */
  public record FlavorEntry(String name, String controlPlane, String workers, List<String> providers, String source,
                            String refused) {}

  /**
   * The answer for one flavor under one contract.
   *
   * @param apiVersions {@code provider.role} → apiVersion, e.g. {@code metal3.infrastructure}; empty when refused
   * @param components  the release components the flavor needs
   */
  public record Verdict(String flavor, String contract, boolean supported, String reason,
                        Map<String, String> apiVersions, List<String> components) {
    /** The apiVersion of {@code role} from {@code provider}; fails loudly for a role the matrix does not name. */
    public String apiVersion(String provider, String role) {
      String v = apiVersions.get(provider + "." + role);
      if (v == null) {
        throw new IllegalStateException("the compatibility matrix has no " + provider + "." + role + " for "
            + flavor + " on " + contract);
      }
      return v;
    }
  }

  private final List<ContractRange> contracts;
  private final Map<String, Provider> providers;
  private final Map<String, FlavorEntry> flavors;

  private CompatibilityMatrix(List<ContractRange> contracts, Map<String, Provider> providers,
                              Map<String, FlavorEntry> flavors) {
    this.contracts = contracts;
    this.providers = providers;
    this.flavors = flavors;
  }

  /** The matrix shipped with capkit, read once per JVM (it is immutable and the renderer, rules and CLI all ask). */
  private static volatile CompatibilityMatrix standard;

  /** The matrix shipped with capkit. */
  public static CompatibilityMatrix standard() {
    CompatibilityMatrix m = standard;
    if (m == null) {
      synchronized (CompatibilityMatrix.class) {
        m = standard;
        if (m == null) {
          m = load();
          standard = m;
        }
      }
    }
    return m;
  }

  // The resource's tree as generated into ResourceTrees: no YAML parser runs for it (ResourceTreesTest).
  private static CompatibilityMatrix load() {
    return parse(RESOURCE, ResourceTrees.tree(RESOURCE));
  }

  /** Parses a matrix document; a malformed one is a packaging bug, so it throws. */
  public static CompatibilityMatrix parse(String file, String text) {
    return parse(file, YamlDocuments.loadOne(file, text));
  }

  private static CompatibilityMatrix parse(String file, Map<String, Object> doc) {
    List<ContractRange> contracts = new ArrayList<>();
    for (Map<String, Object> c : maps(doc.get("contracts"))) {
      Object until = c.get("capiUntil");
      contracts.add(new ContractRange(str(c, "name"), KubernetesVersion.parse(str(c, "capiFrom")),
          until == null ? null : KubernetesVersion.parse(String.valueOf(until))));
    }
    Map<String, Provider> providers = new LinkedHashMap<>();
    for (Map<String, Object> p : maps(doc.get("providers"))) {
      Map<String, Map<String, String>> versions = new LinkedHashMap<>();
      if (p.get("apiVersions") instanceof Map<?, ?> byContract) {
        byContract.forEach((contract, roles) -> {
          Map<String, String> r = new LinkedHashMap<>();
          ((Map<?, ?>) roles).forEach((k, v) -> r.put(String.valueOf(k), String.valueOf(v)));
          versions.put(String.valueOf(contract), Map.copyOf(r));
        });
      }
      providers.put(str(p, "name"), new Provider(str(p, "name"), strings(p.get("components")), Map.copyOf(versions),
          (String) p.get("refused")));
    }
    Map<String, FlavorEntry> flavors = new LinkedHashMap<>();
    for (Map<String, Object> f : maps(doc.get("flavors"))) {
      List<String> used = strings(f.get("providers"));
      for (String p : used) {
        if (!providers.containsKey(p)) {
          throw new IllegalStateException(file + ": flavor " + f.get("name") + " names unknown provider " + p);
        }
      }
      flavors.put(str(f, "name"), new FlavorEntry(str(f, "name"), str(f, "controlPlane"), str(f, "workers"), used,
          str(f, "source"), (String) f.get("refused")));
    }
    return new CompatibilityMatrix(List.copyOf(contracts), providers, flavors);
  }

  /** Contract names, oldest first. */
  public List<String> contracts() {
    return contracts.stream().map(ContractRange::name).toList();
  }

  public List<ContractRange> contractRanges() {
    return contracts;
  }

  /** The contract a release with this cluster-api-core version follows; empty when capkit renders none. */
  public Optional<String> contractFor(String capiCoreVersion) {
    KubernetesVersion v = KubernetesVersion.parse(capiCoreVersion);
    return contracts.stream().filter(c -> c.contains(v)).map(ContractRange::name).findFirst();
  }

  /** Flavors in matrix order. */
  public List<FlavorEntry> flavors() {
    return List.copyOf(flavors.values());
  }

  public Optional<FlavorEntry> flavor(String name) {
    return Optional.ofNullable(flavors.get(name));
  }

  public Optional<Provider> provider(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /** Whether {@code flavor} renders under {@code contract}, and with which API versions; the first refusal wins. */
  public Verdict verdict(String flavor, String contract) {
    FlavorEntry f = flavors.get(flavor);
    if (f == null) {
      throw new IllegalArgumentException("the compatibility matrix has no flavor " + flavor);
    }
    LinkedHashSet<String> components = new LinkedHashSet<>();
    f.providers().forEach(p -> components.addAll(providers.get(p).components()));
    if (f.refused() != null) {
      return new Verdict(flavor, contract, false, f.refused(), Map.of(), List.copyOf(components));
    }
    Map<String, String> versions = new LinkedHashMap<>();
    for (String name : f.providers()) {
      Provider p = providers.get(name);
      Map<String, String> roles = p.apiVersions().get(contract);
      if (roles == null) {
        String why = p.refused() != null ? p.refused() : "provider " + name + " does not follow the " + contract
            + " contract";
        return new Verdict(flavor, contract, false, why, Map.of(), List.copyOf(components));
      }
      roles.keySet().stream().sorted().forEach(role -> versions.put(name + "." + role, roles.get(role)));
    }
    return new Verdict(flavor, contract, true, null, java.util.Collections.unmodifiableMap(versions),
        List.copyOf(components));
  }

  /** Every flavor × contract, flavors in matrix order, contracts oldest first. */
  public List<Verdict> verdicts() {
    List<Verdict> out = new ArrayList<>();
    for (FlavorEntry f : flavors.values()) {
      for (ContractRange c : contracts) {
        out.add(verdict(f.name(), c.name()));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object o) {
    return o == null ? List.of() : (List<Map<String, Object>>) o;
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    }
    return List.copyOf(out);
  }

  private static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      throw new IllegalStateException("compatibility matrix: " + key + " is required in " + m);
    }
    return String.valueOf(v);
  }
}
