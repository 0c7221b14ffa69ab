package io.capkit.gitops.testing;

import io.capkit.api.source.SourceTree;
import io.capkit.gitops.diff.FleetRenderer;
import java.util.SortedMap;
import java.util.TreeMap;

/** A stand-in renderer for testing the diff engine: every YAML file of the fleet is "rendered" as it is. */
public final class AsIsRenderer implements FleetRenderer {
  @Override
  public SortedMap<String, byte[]> render(SourceTree fleet, SourceTree releases) {
    SortedMap<String, byte[]> out = new TreeMap<>();
    for (String f : fleet.files()) {
      if (f.endsWith(".yaml") && !f.startsWith("releases/")) {
        out.put(f, fleet.read(f).orElseThrow());
      }
    }
    return out;
  }
}
