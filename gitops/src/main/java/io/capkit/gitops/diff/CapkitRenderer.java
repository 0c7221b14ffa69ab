package io.capkit.gitops.diff;

import io.capkit.api.source.SourceTree;
import io.capkit.renderer.FleetCluster;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.RenderedCluster;
import io.capkit.renderer.Renderer;
import io.capkit.renderer.yaml.YamlWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** {@link FleetRenderer#of}: capkit's renderer, with the documents each cluster's files were written from. */
final class CapkitRenderer implements FleetRenderer {
  /** The document of a cluster folder's {@code kustomization.yaml}, and the bytes the writer makes of it. */
  private static final List<Map<String, Object>> CLUSTER_KUSTOMIZATION = List.of(clusterKustomization());
  private static final byte[] CLUSTER_KUSTOMIZATION_BYTES =
      YamlWriter.writeAllUtf8(OutputLayout.HEADER, CLUSTER_KUSTOMIZATION);

  private final Supplier<Renderer> supplier;
  private Renderer renderer;
  private boolean warming;

  CapkitRenderer(Supplier<Renderer> supplier) {
    this.supplier = supplier;
  }

  private static Map<String, Object> clusterKustomization() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
    m.put("kind", "Kustomization");
    m.put("resources", List.of(OutputLayout.MANIFESTS));
    return Collections.unmodifiableMap(m);
  }

  /**
   * Makes the renderer (schemas, flavors, rules) on a daemon thread; the first caller of renderer() waits for it. Only
   * the first call starts that thread.
   */
  @Override
  public void warmUp() {
    synchronized (this) {
      if (warming || renderer != null) {
        return;
      }
      warming = true;
    }
    Thread t = new Thread(() -> {
      try {
        renderer();
      } catch (RuntimeException | Error e) {
        // Not ours to report: the first use makes it again and fails there, on the caller's thread.
      }
    }, "capkit-renderer-warm-up");
    t.setDaemon(true);
    t.start();
  }

  private synchronized Renderer renderer() {
    if (renderer == null) {
      renderer = supplier.get();
    }
    return renderer;
  }

  @Override
  public SortedMap<String, byte[]> render(SourceTree fleet, SourceTree releases) {
    return OutputLayout.files(renderer().render(fleet, releases).clusters());
  }

  @Override
  public Prepared prepare(SourceTree fleet, SourceTree releases) {
    Renderer r = renderer();
    Renderer.Fleet read = r.read(fleet, "", releases, "");
    if (!read.clusters().stream().allMatch(c -> read.catalog().find(c.cluster().getSpec().getRelease()).isPresent())) {
      // Shared files follow from each cluster's release: a cluster on an unknown one is the renderer's to report.
      return FleetRenderer.whole(render(fleet, releases));
    }
    Map<String, FleetCluster> byFolder = new HashMap<>(read.clusters().size() * 2);
    read.clusters().forEach(c -> byFolder.put(c.folder(), c));
    RenderedOutput shared = RenderedOutput.of(OutputLayout.sharedFiles(read));
    return new Prepared() {
      @Override
      public Set<String> clusterFolders() {
        return Collections.unmodifiableSet(byFolder.keySet());
      }

      @Override
      public RenderedOutput shared() {
        return shared;
      }

      @Override
      public void renderClusters(Collection<String> folders, BiConsumer<String, RenderedOutput> sink) {
        List<FleetCluster> clusters = new ArrayList<>(folders.size());
        for (String f : folders) {
          FleetCluster c = byFolder.get(f);
          if (c == null) {
            throw new IllegalArgumentException("no cluster renders into " + f);
          }
          clusters.add(c);
        }
        r.renderEach(read, clusters, new Renderer.ClusterSink() {
          @Override
          public void accept(int index, OutputLayout.EncodedCluster cluster) {
            throw new IllegalStateException("objects are taken with the bytes");
          }

          @Override
          public void accept(int index, RenderedCluster cluster) {
            OutputLayout.EncodedCluster e = OutputLayout.encode(cluster);
            SortedMap<String, byte[]> files = new TreeMap<>(OutputLayout.clusterFiles(e));
            Map<String, List<? extends Map<String, ?>>> documents = new HashMap<>(4);
            documents.put(e.folder() + "/" + OutputLayout.MANIFESTS,
                cluster.objects().stream().map(KubeObject::document).toList());
            // Given only where the file holds exactly what this document is written as.
            String kustomization = e.folder() + "/" + OutputLayout.KUSTOMIZATION;
            if (Arrays.equals(files.get(kustomization), CLUSTER_KUSTOMIZATION_BYTES)) {
              documents.put(kustomization, CLUSTER_KUSTOMIZATION);
            }
            sink.accept(e.folder(), new RenderedOutput(files, documents));
          }
        });
      }
    };
  }
}
