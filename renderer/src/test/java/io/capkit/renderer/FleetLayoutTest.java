package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** FleetReader.place (segment by segment) against the layout written as regular expressions over the whole path. */
class FleetLayoutTest {
  private static final Pattern MC_DEFAULTS = Pattern.compile("management-clusters/([^/]+)/defaults\\.yaml");
  private static final Pattern ORG_DEFAULTS =
      Pattern.compile("management-clusters/([^/]+)/organizations/([^/]+)/defaults\\.yaml");
  private static final Pattern HOST = Pattern.compile("management-clusters/([^/]+)/hosts/([^/]+)\\.yaml");
  private static final List<String> WORDS = List.of("management-clusters", "organizations", "workload-clusters",
      "hosts", "defaults.yaml", "cluster.yaml", "mc-1", "org-a", "wc-7", "h1.yaml", "a.yaml.yaml", "yaml", "x.yml",
      "defaults.yml", "cluster.yaml.bak");

  private static FleetReader.Place byPattern(String path) {
    Matcher m;
    if ((m = MC_DEFAULTS.matcher(path)).matches()) {
      return new FleetReader.Place(FleetReader.Kind.MC_DEFAULTS, m.group(1), null, null);
    }
    if ((m = ORG_DEFAULTS.matcher(path)).matches()) {
      return new FleetReader.Place(FleetReader.Kind.ORG_DEFAULTS, m.group(1), m.group(2), m.group(2));
    }
    if ((m = HOST.matcher(path)).matches()) {
      return new FleetReader.Place(FleetReader.Kind.HOST, m.group(1), null, m.group(2));
    }
    if ((m = FleetReader.CLUSTER.matcher(path)).matches()) {
      return new FleetReader.Place(FleetReader.Kind.CLUSTER, m.group(1), m.group(2), m.group(3));
    }
    return null;
  }

  @Test
  void placeAgreesWithTheLayoutPatterns() {
    List<String> paths = new ArrayList<>(List.of(
        "management-clusters/mc-1/defaults.yaml",
        "management-clusters/mc-1/organizations/org-a/defaults.yaml",
        "management-clusters/mc-1/hosts/h1.yaml",
        "management-clusters/mc-1/hosts/a.yaml.yaml",
        "management-clusters/mc-1/organizations/org-a/workload-clusters/wc-7/cluster.yaml",
        "management-clusters/mc-1/organizations/org-a/workload-clusters/wc-7/defaults.yaml",
        "management-clusters/mc-1/organizations/org-a/workload-clusters/cluster.yaml",
        "management-clusters/defaults.yaml",
        "management-clusters/mc-1/hosts/x.yml",
        "management-clusters/mc-1/cluster.yaml",
        "organizations/org-a/defaults.yaml"));
    Random random = new Random(18);
    for (int i = 0; i < 20_000; i++) {
      int n = 1 + random.nextInt(8);
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < n; j++) {
        b.append(j == 0 ? "" : "/").append(j == 0 && random.nextInt(4) > 0 ? "management-clusters"
            : WORDS.get(random.nextInt(WORDS.size())));
      }
      paths.add(b.toString());
    }
    java.util.Set<FleetReader.Kind> kinds = java.util.EnumSet.noneOf(FleetReader.Kind.class);
    int outside = 0;
    for (String path : paths) {
      FleetReader.Place expected = byPattern(path);
      assertEquals(expected, FleetReader.place(path.split("/", -1)), path);
      if (expected == null) {
        outside++;
      } else {
        kinds.add(expected.kind());
      }
    }
    // Every kind, and paths outside the layout, are compared.
    assertEquals(java.util.EnumSet.allOf(FleetReader.Kind.class), kinds);
    assertTrue(outside > 1000, "only " + outside + " paths outside the layout");
  }
}
