package io.capkit.renderer;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.Layer;
import io.capkit.api.fleet.FleetDefaults;
import io.capkit.api.fleet.WorkloadCluster;
import io.capkit.api.fleet.WorkloadClusterRules;
import io.capkit.api.source.SourceTree;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.YamlDocuments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a fleet tree laid out as
 * {@code management-clusters/<mc>/[defaults.yaml]},
 * {@code management-clusters/<mc>/organizations/<org>/[defaults.yaml]} and
 * {@code management-clusters/<mc>/organizations/<org>/workload-clusters/<wc>/cluster.yaml}.
 * Markdown files may sit anywhere; hidden entries are skipped; any other file is refused.
 */
public final class FleetReader {
  public static final String LAYOUT = "management-clusters/<mc>/defaults.yaml, "
      + "management-clusters/<mc>/organizations/<org>/defaults.yaml, "
      + "management-clusters/<mc>/organizations/<org>/workload-clusters/<wc>/cluster.yaml";
  private static final Pattern MC_DEFAULTS = Pattern.compile("management-clusters/([^/]+)/defaults\\.yaml");
  private static final Pattern ORG_DEFAULTS =
      Pattern.compile("management-clusters/([^/]+)/organizations/([^/]+)/defaults\\.yaml");
  private static final Pattern CLUSTER =
      Pattern.compile("management-clusters/([^/]+)/organizations/([^/]+)/workload-clusters/([^/]+)/cluster\\.yaml");

  private FleetReader() {}

  static String label(String label, String path) {
    return label == null || label.isEmpty() ? path : label + "/" + path;
  }

  /** Every cluster, sorted by path; throws with every problem found. */
  public static List<FleetCluster> read(SourceTree tree, String label) {
    List<Problem> problems = new ArrayList<>();
    Map<String, String> mcDefaultFiles = new TreeMap<>();
    Map<String, String> orgDefaultFiles = new TreeMap<>();
    List<String[]> clusterFiles = new ArrayList<>();
    for (String path : tree.files()) {
      String file = label(label, path);
      if (escapes(path)) {
        problems.add(new Problem(file, null, "escapes the fleet root"));
        continue;
      }
      if (ReleaseCatalog.hidden(path) || path.endsWith(".md")) {
        continue;
      }
      Matcher m;
      if ((m = MC_DEFAULTS.matcher(path)).matches()) {
        checkName(file, "management cluster folder", m.group(1), 63, problems);
        mcDefaultFiles.put(m.group(1), path);
      } else if ((m = ORG_DEFAULTS.matcher(path)).matches()) {
        checkName(file, "management cluster folder", m.group(1), 63, problems);
        checkName(file, "organization folder", m.group(2), 63, problems);
        orgDefaultFiles.put(m.group(1) + "/" + m.group(2), path);
      } else if ((m = CLUSTER.matcher(path)).matches()) {
        checkName(file, "management cluster folder", m.group(1), 63, problems);
        checkName(file, "organization folder", m.group(2), 63, problems);
        // The folder is the cluster's name (metadata.name must equal it): its problem is reported there.
        int at = problems.size();
        checkName(file, "workload cluster folder", m.group(3), WorkloadClusterRules.MAX_NAME, problems);
        if (problems.size() > at) {
          Problem p = problems.remove(at);
          problems.add(new Problem(p.file(), "metadata.name", p.message()));
        }
        clusterFiles.add(new String[] {m.group(1), m.group(2), m.group(3), path});
      } else {
        problems.add(new Problem(file, null, "is outside the fleet layout (" + LAYOUT + ")"));
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

    List<FleetCluster> clusters = new ArrayList<>();
    Map<String, String> orgNamespaces = new HashMap<>();
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
      Layer mcLayer = layer("management cluster " + mc, mcDefaultFiles.get(mc), label, mcDefaults.get(mc));
      String orgKey = mc + "/" + org;
      Layer orgLayer = layer("organization " + org, orgDefaultFiles.get(orgKey), label, orgDefaults.get(orgKey));
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
      clusters.add(new FleetCluster(mc, org, path, file, wc, namespace, origin, mcLayer, orgLayer));
      orgNamespaces.put(mc + "/" + (od != null && od.getNamespace() != null ? od.getNamespace() : "org-" + org), org);
    }
    checkUnique(clusters, orgNamespaces, problems);
    InvalidInputException.throwIfAny(problems);
    clusters.sort((a, b) -> a.path().compareTo(b.path()));
    return clusters;
  }

  // An organization owns its default namespace; another namespace belongs to the first organization using it.
  private static void checkUnique(List<FleetCluster> clusters, Map<String, String> orgNamespaces,
                                  List<Problem> problems) {
    Map<String, FleetCluster> byKey = new HashMap<>();
    Map<String, String> owners = new HashMap<>(orgNamespaces);
    for (FleetCluster c : clusters) {
      FleetCluster other = byKey.putIfAbsent(c.key(), c);
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

  private static boolean escapes(String path) {
    if (path.startsWith("/") || path.contains("\\")) {
      return true;
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals("..") || part.equals(".")) {
        return true;
      }
    }
    return false;
  }

  private static void checkName(String file, String what, String name, int max, List<Problem> problems) {
    Optional<String> bad = Names.checkLabel(name);
    if (bad.isEmpty() && name.length() > max) {
      bad = Optional.of("\"" + name + "\" is longer than " + max + " characters");
    }
    bad.ifPresent(msg -> problems.add(new Problem(file, null, what + " " + msg)));
  }
}
