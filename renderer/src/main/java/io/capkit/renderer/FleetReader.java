package io.capkit.renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.Layer;
import io.capkit.api.fleet.FleetDefaults;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.infra.HostCatalog;
import io.capkit.api.infra.Infra;
import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.infra.KvmHostRules;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a fleet tree laid out as
 * {@code management-clusters/<mc>/[defaults.yaml]},
 * {@code management-clusters/<mc>/organizations/<org>/[defaults.yaml]} and
 * {@code management-clusters/<mc>/organizations/<org>/workload-clusters/<wc>/cluster.yaml}, and the platform admins'
 * KVMHosts of a management cluster as {@code management-clusters/<mc>/hosts/<host>.yaml} (one per file, named like
 * the file; when a management cluster has none, its clusters' hosts are checked only on the management cluster).
 * Markdown files may sit anywhere; hidden entries are skipped; any other file is refused.
 */
public final class FleetReader {
  public static final String LAYOUT = "management-clusters/<mc>/defaults.yaml, "
      + "management-clusters/<mc>/organizations/<org>/defaults.yaml, "
      + "management-clusters/<mc>/organizations/<org>/workload-clusters/<wc>/cluster.yaml, "
      + "management-clusters/<mc>/hosts/<host>.yaml";
  /** Where fleet files sit: the management cluster's and an organization's defaults, a KVMHost, a cluster. */
  enum Kind { MC_DEFAULTS, ORG_DEFAULTS, HOST, CLUSTER }

  /**
   * A path's place in the layout: its management cluster, organization (for an organization's defaults or a cluster)
   * and name (the organization for its defaults, the host, or the cluster folder).
   */
  record Place(Kind kind, String mc, String org, String name) {}

  /** A WorkloadCluster file: groups management cluster, organization, cluster folder. */
  public static final Pattern CLUSTER =
      Pattern.compile("management-clusters/([^/]+)/organizations/([^/]+)/workload-clusters/([^/]+)/cluster\\.yaml");

  private FleetReader() {}

  /**
   * Where a path (split at '/', no empty segment) sits in the {@link #LAYOUT}, or null when outside it: the segments
   * compared one by one, as {@link #CLUSTER} and its siblings would match the whole path.
   */
  static Place place(String[] parts) {
    if (parts.length < 3 || !parts[0].equals("management-clusters") || parts[1].isEmpty()) {
      return null;
    }
    String mc = parts[1];
    if (parts.length == 3) {
      return parts[2].equals("defaults.yaml") ? new Place(Kind.MC_DEFAULTS, mc, null, null) : null;
    }
    if (parts.length == 4) {
      String host = parts[3];
      return parts[2].equals("hosts") && host.endsWith(".yaml") && host.length() > ".yaml".length()
          ? new Place(Kind.HOST, mc, null, host.substring(0, host.length() - ".yaml".length())) : null;
    }
    if (!parts[2].equals("organizations") || parts[3].isEmpty()) {
      return null;
    }
    String org = parts[3];
    if (parts.length == 5) {
      return parts[4].equals("defaults.yaml") ? new Place(Kind.ORG_DEFAULTS, mc, org, org) : null;
    }
    if (parts.length == 7 && parts[4].equals("workload-clusters") && !parts[5].isEmpty()
        && parts[6].equals("cluster.yaml")) {
      return new Place(Kind.CLUSTER, mc, org, parts[5]);
    }
    return null;
  }

  /** One management cluster's KVMHost files: each checked by the KVMHost rules and named like its file. */
  private static HostCatalog readHosts(SourceTree tree, String label, Map<String, String> files,
      List<Problem> problems) {
    Map<String, KVMHostSpec> hosts = new TreeMap<>();
    files.forEach((name, path) -> {
      String file = label(label, path);
      try {
        KVMHost h = StrictReader.read(file, YamlDocuments.loadOne(file, tree.read(path).orElseThrow()), KVMHost.class,
            Infra.API_VERSION, "KVMHost");
        if (!name.equals(h.getMetadata().getName())) {
          problems.add(new Problem(file, "metadata.name", "\"" + h.getMetadata().getName()
              + "\" must equal its file name " + name));
        }
        KvmHostRules.validateHost(h.getMetadata().getName(), h.getSpec()).forEach(p -> problems.add(p.inFile(file)));
        hosts.put(name, h.getSpec());
      } catch (InvalidInputException e) {
        problems.addAll(e.problems());
      }
    });
    return HostCatalog.of(hosts);
  }

  static String label(String label, String path) {
    return label == null || label.isEmpty() ? path : label + "/" + path;
  }

  /** Every cluster, sorted by path; throws with every problem found. */
  public static List<FleetCluster> read(SourceTree tree, String label) {
    List<Problem> problems = new ArrayList<>();
    Map<String, String> mcDefaultFiles = new TreeMap<>();
    Map<String, String> orgDefaultFiles = new TreeMap<>();
    List<String[]> clusterFiles = new ArrayList<>();
    Map<String, Map<String, String>> hostFiles = new TreeMap<>();
    // Folder names repeat across thousands of paths: each is checked once (the rule is a pure function of the name).
    Map<String, Optional<String>> names = new HashMap<>();
    for (String path : tree.files()) {
      String file = label(label, path);
      String[] parts = path.split("/", -1);
      if (escapes(path, parts)) {
        problems.add(new Problem(file, null, "escapes the fleet root"));
        continue;
      }
      if (ReleaseCatalog.hidden(parts) || path.endsWith(".md")) {
        continue;
      }
      Place at = place(parts);
      if (at == null) {
        problems.add(new Problem(file, null, "is outside the fleet layout (" + LAYOUT + ")"));
      } else if (at.kind() == Kind.MC_DEFAULTS) {
        checkName(file, "management cluster folder", at.mc(), 63, names, problems);
        mcDefaultFiles.put(at.mc(), path);
      } else if (at.kind() == Kind.ORG_DEFAULTS) {
        checkName(file, "management cluster folder", at.mc(), 63, names, problems);
        checkName(file, "organization folder", at.name(), 63, names, problems);
        orgDefaultFiles.put(at.mc() + "/" + at.name(), path);
      } else if (at.kind() == Kind.HOST) {
        hostFiles.computeIfAbsent(at.mc(), k -> new TreeMap<>()).put(at.name(), path);
      } else {
        checkName(file, "management cluster folder", at.mc(), 63, names, problems);
        checkName(file, "organization folder", at.org(), 63, names, problems);
        // The folder is the cluster's name (metadata.name must equal it): its problem is reported there.
        int before = problems.size();
        checkName(file, "workload cluster folder", at.name(), WorkloadClusterRules.MAX_NAME, null, problems);
        if (problems.size() > before) {
          Problem p = problems.remove(before);
          problems.add(new Problem(p.file(), "metadata.name", p.message()));
        }
        clusterFiles.add(new String[] {at.mc(), at.org(), at.name(), path});
      }
    }
    InvalidInputException.throwIfAny(problems);

    Map<String, FleetDefaults> mcDefaults = new HashMap<>();
    mcDefaultFiles.forEach((mc, path) -> readDefaults(tree, label, path, problems).ifPresent(d -> {
      if (d.getNamespace() != null) {
        problems.add(new Problem(label(label, path), "namespace",
            "can only be set in an organization's defaults.yaml"));
      }
      mcDefaults.put(mc, d);
    }));
    Map<String, FleetDefaults> orgDefaults = new HashMap<>();
    orgDefaultFiles.forEach((key, path) -> readDefaults(tree, label, path, problems).ifPresent(d -> {
      if (d.getNamespace() != null) {
        Names.checkLabel(d.getNamespace()).ifPresent(msg -> problems.add(new Problem(label(label, path), "namespace", msg)));
      }
      orgDefaults.put(key, d);
    }));

    Map<String, HostCatalog> hostCatalogs = new HashMap<>();
    hostFiles.forEach((mc, files) -> hostCatalogs.put(mc, readHosts(tree, label, files, problems)));
    List<FleetCluster> clusters = new ArrayList<>();
    List<Placement> placements = new ArrayList<>();
    Map<String, Layer> mcLayers = new HashMap<>();
    Map<String, Layer> orgLayers = new HashMap<>();
    // Parsing dominates on large fleets and each file stands alone: parse in parallel, keep the order.
    List<Object> parsed = clusterFiles.parallelStream().map(c -> {
      String file = label(label, c[3]);
      try {
        Map<String, Object> doc = YamlDocuments.loadOne(file, tree.read(c[3]).orElseThrow());
        return (Object) StrictReader.read(file, doc, WorkloadCluster.class, WorkloadCluster.API_VERSION,
            "WorkloadCluster");
      } catch (InvalidInputException e) {
        return e;
      }
    }).toList();
    for (int i = 0; i < clusterFiles.size(); i++) {
      String[] c = clusterFiles.get(i);
      String mc = c[0];
      String org = c[1];
      String folder = c[2];
      String path = c[3];
      String file = label(label, path);
      if (parsed.get(i) instanceof InvalidInputException e) {
        problems.addAll(e.problems());
        continue;
      }
      WorkloadCluster wc = (WorkloadCluster) parsed.get(i);
      String name = wc.getMetadata().getName();
      if (!folder.equals(name)) {
        problems.add(new Problem(file, "metadata.name", "\"" + name + "\" must equal its folder name " + folder));
        continue;
      }
      if (wc.getSpec() == null) {
        problems.add(new Problem(file, "spec", "is required"));
        continue;
      }
      // One layer object per defaults file, shared by its clusters: ValidatedLayers checks each once (by identity).
      Layer mcLayer = mcLayers.computeIfAbsent(mc,
          k -> layer("management cluster " + mc, mcDefaultFiles.get(mc), label, mcDefaults.get(mc)));
      String orgKey = mc + "/" + org;
      Layer orgLayer = orgLayers.computeIfAbsent(orgKey,
          k -> layer("organization " + org, orgDefaultFiles.get(orgKey), label, orgDefaults.get(orgKey)));
      FleetDefaults od = orgDefaults.get(orgKey);
      String namespace;
      String origin;
      if (wc.getMetadata().getNamespace() != null) {
        namespace = wc.getMetadata().getNamespace();
        origin = file + " (metadata.namespace)";
        Optional<String> bad = Names.checkLabel(namespace);
        if (bad.isPresent()) {
          problems.add(new Problem(file, "metadata.namespace", bad.get()));
          continue;
        }
      } else if (od != null && od.getNamespace() != null) {
        namespace = od.getNamespace();
        origin = label(label, orgDefaultFiles.get(orgKey)) + " (namespace)";
      } else {
        namespace = "org-" + org;
        origin = "default org-<organization>";
        if (namespace.length() > 63) {
          problems.add(new Problem(file, "metadata.namespace", "is required: the default org-" + org
              + " is longer than 63 characters"));
          continue;
        }
      }
      Optional<String> exempt = io.capkit.api.TenantNamespaces.check(namespace);
      if (exempt.isPresent()) {
        problems.add(new Problem(file, "metadata.namespace", exempt.get() + " (from " + origin + ")"));
        continue;
      }
      clusters.add(new FleetCluster(mc, org, path, file, wc, namespace, origin, mcLayer, orgLayer,
          hostCatalogs.get(mc)));
      placements.add(new Placement(mc, org, namespace, name, file, organizationNamespace(org, od)));
    }
    problems.addAll(checkPlacements(placements));
    InvalidInputException.throwIfAny(problems);
    clusters.sort((a, b) -> a.path().compareTo(b.path()));
    return clusters;
  }

  /**
   * Where a cluster sits, as the fleet-wide checks see it.
   *
   * @param organizationNamespace the organization's default namespace ({@link #organizationNamespace})
   */
  public record Placement(String managementCluster, String organization, String namespace, String name, String file,
                          String organizationNamespace) {
    String key() {
      return namespace + "/" + name;
    }
  }

  /** An organization's default namespace: its defaults' {@code namespace}, else {@code org-<org>}. */
  public static String organizationNamespace(String org, FleetDefaults defaults) {
    return defaults != null && defaults.getNamespace() != null ? defaults.getNamespace() : "org-" + org;
  }

  /**
   * The fleet-wide checks on clusters in fleet order: {@code namespace/name} is unique, and an organization owns its
   * default namespace (another namespace belongs to the first organization using it).
   */
  public static List<Problem> checkPlacements(List<Placement> clusters) {
    List<Problem> problems = new ArrayList<>();
    Map<String, String> owners = new HashMap<>();
    for (Placement c : clusters) {
      owners.put(c.managementCluster() + "/" + c.organizationNamespace(), c.organization());
    }
    Map<String, Placement> byKey = new HashMap<>();
    for (Placement c : clusters) {
      Placement other = byKey.putIfAbsent(c.key(), c);
      if (other != null) {
        problems.add(new Problem(c.file(), "metadata.name", "cluster " + c.key() + " is also defined in "
            + other.file() + "; names must be unique within a namespace"));
      }
      String owner = owners.putIfAbsent(c.managementCluster() + "/" + c.namespace(), c.organization());
      if (owner != null && !owner.equals(c.organization())) {
        problems.add(new Problem(c.file(), "metadata.namespace", "namespace " + c.namespace()
            + " belongs to organization " + owner + " in management cluster " + c.managementCluster()));
      }
    }
    return problems;
  }

  /** The default namespace of organization {@code org} of {@code mc}, read from its defaults file in {@code tree}. */
  public static String organizationNamespace(SourceTree tree, String label, String mc, String org) {
    String path = "management-clusters/" + mc + "/organizations/" + org + "/defaults.yaml";
    if (tree.read(path).isEmpty()) {
      return organizationNamespace(org, null);
    }
    List<Problem> problems = new ArrayList<>();
    FleetDefaults d = readDefaults(tree, label, path, problems).orElse(null);
    InvalidInputException.throwIfAny(problems);
    return organizationNamespace(org, d);
  }

  private static Optional<FleetDefaults> readDefaults(SourceTree tree, String label, String path, List<Problem> problems) {
    String file = label(label, path);
    try {
      Map<String, Object> doc = YamlDocuments.loadOne(file, tree.read(path).orElseThrow());
      return Optional.of(StrictReader.read(file, doc, FleetDefaults.class, FleetDefaults.API_VERSION, FleetDefaults.KIND));
    } catch (InvalidInputException e) {
      problems.addAll(e.problems());
      return Optional.empty();
    }
  }

  private static Layer layer(String name, String path, String label, FleetDefaults defaults) {
    if (defaults == null) {
      return new Layer(name, path == null ? "none" : label(label, path), Map.of());
    }
    return new Layer(name, label(label, path), defaults.getVariables() == null ? Map.of() : defaults.getVariables());
  }

  private static boolean escapes(String path, String[] parts) {
    if (path.startsWith("/") || path.contains("\\")) {
      return true;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.equals("..") || part.equals(".")) {
        return true;
      }
    }
    return false;
  }

  // known: results of Names.checkLabel by name, or null to check without remembering.
  private static void checkName(String file, String what, String name, int max, Map<String, Optional<String>> known,
                                List<Problem> problems) {
    Optional<String> bad = known == null ? Names.checkLabel(name) : known.computeIfAbsent(name, Names::checkLabel);
    if (bad.isEmpty() && name.length() > max) {
      bad = Optional.of("\"" + name + "\" is longer than " + max + " characters");
    }
    bad.ifPresent(msg -> problems.add(new Problem(file, null, what + " " + msg)));
  }
}
