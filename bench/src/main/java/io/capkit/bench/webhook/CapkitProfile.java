package io.capkit.bench.webhook;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Reads the capkit JVM's JFR execution samples and says which layers the CPU time went to. */
public final class CapkitProfile {
  /** Layers by class-name prefix, in the order they are printed. */
  static final Map<String, List<String>> LAYERS = layers();
  static final String OTHER = "other (JDK threads, GC, JIT, JFR)";

  private CapkitProfile() {}

  private static Map<String, List<String>> layers() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("TLS record layer and crypto (sun.security.ssl, JCE)",
        List.of("sun.security.ssl.", "com.sun.crypto.provider.", "javax.crypto.", "sun.security.ec.",
            "sun.security.util."));
    m.put("TLS glue to BoringSSL (netty-tcnative, SslHandler)",
        List.of("io.netty.internal.tcnative.", "io.netty.handler.ssl."));
    m.put("socket I/O and event loop (Netty transport, epoll)",
        List.of("io.netty.channel.", "sun.nio.ch.", "java.net.", "java.nio.channels."));
    m.put("HTTP codec and buffers (Netty)", List.of("io.netty.handler.codec.", "io.netty.buffer.", "io.netty.util."));
    m.put("capkit HTTPS server (io.capkit.http)", List.of("io.capkit.http."));
    m.put("JSON (Jackson)", List.of("com.fasterxml.jackson."));
    m.put("admission framework (io.javaoperatorsdk.webhook)", List.of("io.javaoperatorsdk.webhook."));
    m.put("capkit webhook (io.capkit.webhook)", List.of("io.capkit.webhook."));
    m.put("capkit rules (io.capkit.api)", List.of("io.capkit.api."));
    m.put("metrics (Micrometer, Prometheus client)", List.of("io.micrometer.", "io.prometheus."));
    m.put("fabric8 model", List.of("io.fabric8."));
    return m;
  }

  /**
   * Lines "layer: N % of samples", largest first, then the hottest leaf methods; empty when the recording has no
   * execution samples. A sample belongs to the layer of its innermost frame that is in a layer (JDK collections and
   * strings count for their caller), or to "other" when no frame is.
   */
  public static List<String> summarize(Path recording, int topMethods) throws IOException {
    Map<String, Integer> byLayer = new HashMap<>();
    Map<String, Integer> byLeaf = new HashMap<>();
    int samples = 0;
    int collections = 0;
    String collector = "none";
    Duration pauses = Duration.ZERO;
    Duration longest = Duration.ZERO;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (e.getEventType().getName().equals("jdk.GarbageCollection")) {
          collections++;
          collector = e.getString("name");
          pauses = pauses.plus(e.getDuration("sumOfPauses"));
          longest = longest.compareTo(e.getDuration("longestPause")) > 0 ? longest : e.getDuration("longestPause");
          continue;
        }
        if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null
            || e.getStackTrace().getFrames().isEmpty()) {
          continue;
        }
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        samples++;
        byLayer.merge(layerOf(frames.stream().map(f -> f.getMethod().getType().getName()).toList()), 1,
            Integer::sum);
        RecordedFrame leaf = frames.get(0);
        byLeaf.merge(leaf.getMethod().getType().getName() + "." + leaf.getMethod().getName(), 1, Integer::sum);
      }
    }
    List<String> lines = new ArrayList<>();
    if (samples == 0) {
      return lines;
    }
    lines.addAll(ranked(byLayer, samples, Integer.MAX_VALUE, ""));
    lines.add("hottest leaf methods (" + samples + " samples): " + String.join(", ",
        ranked(byLeaf, samples, topMethods, "`")));
    lines.add(String.format(Locale.ROOT, "garbage collection (%s): %d collections, pauses %.1f ms in all, longest "
        + "%.2f ms", collector, collections, pauses.toNanos() / 1e6, longest.toNanos() / 1e6));
    return lines;
  }

  /** The layer of the innermost frame (first in the list) that belongs to one, else "other". */
  static String layerOf(List<String> classesLeafFirst) {
    for (String type : classesLeafFirst) {
      for (Map.Entry<String, List<String>> layer : LAYERS.entrySet()) {
        if (layer.getValue().stream().anyMatch(type::startsWith)) {
          return layer.getKey();
        }
      }
    }
    return OTHER;
  }

  /** "name: 12.3 %" entries, largest first, ties by name. */
  static List<String> ranked(Map<String, Integer> counts, int total, int limit, String quote) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Integer> e : entries.subList(0, Math.min(limit, entries.size()))) {
      out.add(quote + e.getKey() + quote + ": " + String.format(Locale.ROOT, "%.1f %%", 100.0 * e.getValue() / total));
    }
    return out;
  }
}
