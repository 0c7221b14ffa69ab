package io.capkit.gitops.diff;

import io.capkit.api.source.SourceTree;
import io.capkit.renderer.KubeObject;
import io.capkit.renderer.OutputLayout;
import io.capkit.renderer.RenderedCluster;
import io.capkit.renderer.Renderer;
import io.capkit.renderer.yaml.YamlWriter;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;

/** {@link FleetRenderer#of}: capkit's renderer, with the documents each cluster's files were written from. */
final class CapkitRenderer implements FleetRenderer {
  /** The document of a cluster folder's {@code kustomization.yaml}, and the bytes the writer makes of it. */
  private static final List<Map<String, Object>> CLUSTER_KUSTOMIZATION = List.of(clusterKustomization());
  private static final byte[] CLUSTER_KUSTOMIZATION_BYTES =
      YamlWriter.writeAllUtf8(OutputLayout.HEADER, CLUSTER_KUSTOMIZATION);

  private final Supplier<Renderer> supplier;
  private Renderer renderer;

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
  public RenderedOutput renderOutput(SourceTree fleet, SourceTree releases) {
    List<RenderedCluster> clusters = renderer().render(fleet, releases).clusters();
    // Encoded on the worker threads, as OutputLayout.files does.
    List<OutputLayout.EncodedCluster> encoded = clusters.parallelStream().map(OutputLayout::encode).toList();
    SortedMap<String, byte[]> files = OutputLayout.assemble(encoded);
    Map<String, List<? extends Map<String, ?>>> documents = new HashMap<>(clusters.size() * 4);
    for (int i = 0; i < clusters.size(); i++) {
      String folder = encoded.get(i).folder();
      documents.put(folder + "/" + OutputLayout.MANIFESTS,
          clusters.get(i).objects().stream().map(KubeObject::document).toList());
      // Given only where the file holds exactly what this document is written as.
      String kustomization = folder + "/" + OutputLayout.KUSTOMIZATION;
      if (Arrays.equals(files.get(kustomization), CLUSTER_KUSTOMIZATION_BYTES)) {
        documents.put(kustomization, CLUSTER_KUSTOMIZATION);
      }
    }
    return new RenderedOutput(files, documents);
  }
}
