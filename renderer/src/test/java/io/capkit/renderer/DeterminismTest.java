package io.capkit.renderer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.capkit.api.source.SourceTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Same input, same bytes: whatever the listing order, default locale or time zone, and on every run. */
class DeterminismTest {

  /** The same files, listed in a shuffled order. */
  private record ShuffledTree(SourceTree tree, long seed) implements SourceTree {
    @Override
    public List<String> files() {
      List<String> f = new ArrayList<>(tree.files());
      Collections.shuffle(f, new Random(seed));
      return f;
    }

    @Override
    public Optional<byte[]> read(String path) {
      return tree.read(path);
    }

    @Override
    public String describe() {
      return tree.describe();
    }
  }

  @Test
  void shuffledInputLocaleAndTimeZoneDoNotChangeTheBytes() {
    SortedMap<String, byte[]> first = Renderer.standard().render(RepoFiles.exampleFleet(), RepoFiles.releases()).files();
    Locale locale = Locale.getDefault();
    TimeZone zone = TimeZone.getDefault();
    try {
      for (long seed = 1; seed <= 3; seed++) {
        Locale.setDefault(seed % 2 == 0 ? Locale.forLanguageTag("tr-TR") : Locale.forLanguageTag("ar-SA"));
        TimeZone.setDefault(TimeZone.getTimeZone(seed % 2 == 0 ? "Pacific/Kiritimati" : "America/St_Johns"));
        SortedMap<String, byte[]> again = Renderer.standard().render(
            new ShuffledTree(RepoFiles.exampleFleet(), seed), new ShuffledTree(RepoFiles.releases(), seed * 31)).files();
        assertEquals(first.keySet(), again.keySet());
        first.forEach((path, bytes) -> assertArrayEquals(bytes, again.get(path), path));
      }
    } finally {
      Locale.setDefault(locale);
      TimeZone.setDefault(zone);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void changingATemplateValueRenamesOnlyThatTemplateAndRollsItsPool() {
    java.util.Map<String, Object> values = new java.util.HashMap<>(io.capkit.api.contract.Contract.standard().defaults());
    ClusterPlan plan = new ClusterPlan("c", "ns", "v1.1.0", "v1.33.5", "h", 6443, values);
    List<KubeObject> a = new io.capkit.renderer.kvm.KvmFlavor().render(plan);
    values.put("WORKER_MACHINE_CPUS", 16);
    List<KubeObject> b = new io.capkit.renderer.kvm.KvmFlavor().render(plan);
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).name().equals(b.get(i).name())) {
        changed.add(a.get(i).kind() + " " + a.get(i).name() + " -> " + b.get(i).name());
      }
    }
    assertEquals(1, changed.size(), changed.toString());
    assertEquals(true, changed.get(0).startsWith("KVMMachineTemplate c-md-0-"), changed.toString());
    KubeObject template = b.stream().filter(o -> o.name().startsWith("c-md-0-") && o.kind().equals("KVMMachineTemplate"))
        .findFirst().orElseThrow();
    KubeObject deployment = b.stream().filter(o -> o.kind().equals("MachineDeployment")).findFirst().orElseThrow();
    var spec = (java.util.Map<String, Object>) deployment.document().get("spec");
    var tspec = (java.util.Map<String, Object>) ((java.util.Map<String, Object>) spec.get("template")).get("spec");
    assertEquals(template.ref(), tspec.get("infrastructureRef"), "the pool points at the new template");
  }
}
