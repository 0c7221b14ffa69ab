package io.capkit.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.capkit.api.release.ReleaseState;
import io.capkit.webhook.admission.Reviews;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 mutated AdmissionReviews (random values, types, sizes, deletions, truncation, byte flips; seeded) over
 * HTTPS: every answer is a 4xx or a valid AdmissionReview carrying the request's uid; never a 5xx, never a hang.
 */
class AdmissionFuzzIT {
  private static final long SEED = 0x5eedcafeL;
  private static final int REQUESTS = 10_000;
  private static final int THREADS = 4;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> PATHS = List.of("/mutate-workloadcluster", "/validate-workloadcluster",
      "/mutate-kvmmachine", "/validate-kvmmachine", "/mutate-kvmmachinetemplate", "/validate-kvmmachinetemplate",
      "/mutate-kvmcluster", "/validate-kvmcluster", "/validate-release", "/validate-cluster");

  private static List<JsonNode> seeds() throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    bodies.add(Reviews.review("s", "CREATE", "fleet.capkit.io", "WorkloadCluster",
        Reviews.workloadCluster(Map.of("WORKER_MACHINE_COUNT", 5, "POD_IP_RANGE", "10.0.0.0/16")), null, false));
    bodies.add(Reviews.review("s", "UPDATE", "infrastructure.cluster.x-k8s.io", "KVMMachineTemplate",
        Reviews.object("infrastructure.cluster.x-k8s.io/v1alpha1", "KVMMachineTemplate", "t",
            Map.of("template", Map.of("spec", Map.of("cpus", 4, "memory", "8Gi")))),
        Reviews.object("infrastructure.cluster.x-k8s.io/v1alpha1", "KVMMachineTemplate", "t",
            Map.of("template", Map.of("spec", Map.of("cpus", 2)))), false));
    bodies.add(Reviews.review("s", "CREATE", "infrastructure.cluster.x-k8s.io", "KVMMachine",
        Reviews.object("infrastructure.cluster.x-k8s.io/v1alpha1", "KVMMachine", "m",
            Map.of("cpus", 2, "dnsServers", List.of("10.0.0.1"), "volumes", Map.of("rootSizeGB", 20))), null, false));
    Map<String, Object> release = Reviews.tree(Reviews.release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE));
    release.put("apiVersion", "release.capkit.io/v1alpha1");
    release.put("kind", "Release");
    bodies.add(Reviews.review("s", "UPDATE", "release.capkit.io", "Release", release, release, false));
    Map<String, Object> cluster = Reviews.object("cluster.x-k8s.io/v1beta2", "Cluster", "c",
        Map.of("topology", Map.of("version", "v1.33.4")));
    @SuppressWarnings("unchecked") Map<String, Object> meta = (Map<String, Object>) cluster.get("metadata");
    meta.put("labels", Map.of("release.capkit.io/version", "v29.1.0"));
    bodies.add(Reviews.review("s", "UPDATE", "cluster.x-k8s.io", "Cluster", cluster, cluster, true));
    List<JsonNode> out = new ArrayList<>();
    for (byte[] b : bodies) {
      out.add(Reviews.JSON.readTree(b));
    }
    return out;
  }

  private static JsonNode randomValue(Random rnd, int depth) {
    switch (rnd.nextInt(depth > 3 ? 7 : 10)) {
      case 0: return F.nullNode();
      case 1: return F.booleanNode(rnd.nextBoolean());
      case 2: return F.numberNode(rnd.nextInt());
      case 3: return F.numberNode(rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20));
      case 4: return F.numberNode(rnd.nextLong());
      case 5: return F.textNode(randomString(rnd, rnd.nextInt(5) == 0 ? rnd.nextInt(100_000) : rnd.nextInt(40)));
      case 6: return F.textNode(List.of("CREATE", "UPDATE", "DELETE", "v1.33.4", "v29.1.0", "10.0.0.0/8", "8GB",
          "kvm://x", "", "-1", "WorkloadCluster", "Release").get(rnd.nextInt(12)));
      case 7: {
        ArrayNode a = F.arrayNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          a.add(randomValue(rnd, depth + 1));
        }
        return a;
      }
      default: {
        ObjectNode o = F.objectNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          o.set(randomString(rnd, 1 + rnd.nextInt(12)), randomValue(rnd, depth + 1));
        }
        return o;
      }
    }
  }

  private static String randomString(Random rnd, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int k = rnd.nextInt(20);
      b.append(k == 0 ? (char) rnd.nextInt(0x3000) : k == 1 ? '"' : k == 2 ? '\\' : (char) ('a' + rnd.nextInt(26)));
    }
    return b.toString();
  }

  /** A random field somewhere in the tree: replaced, removed, or given a sibling. */
  private static void mutateTree(Random rnd, JsonNode root) {
    // Mostly inside the object under review, sometimes anywhere in the envelope.
    JsonNode start = rnd.nextInt(5) == 0 ? root : root.path("request").path(rnd.nextInt(4) == 0 ? "oldObject" : "object");
    JsonNode node = start.isMissingNode() ? root : start;
    JsonNode parent = null;
    String key = null;
    int index = -1;
    for (int steps = rnd.nextInt(5); steps >= 0 && node.isContainerNode() && node.size() > 0; steps--) {
      parent = node;
      if (node.isObject()) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        key = names.get(rnd.nextInt(names.size()));
        index = -1;
        node = node.get(key);
      } else {
        index = rnd.nextInt(node.size());
        key = null;
        node = node.get(index);
      }
    }
    if (parent == null) {
      return;
    }
    int action = rnd.nextInt(3);
    if (parent instanceof ObjectNode o) {
      if (action == 0) {
        o.remove(key);
      } else if (action == 1) {
        o.set(key, randomValue(rnd, 0));
      } else {
        o.set(randomString(rnd, 6), randomValue(rnd, 0));
      }
    } else if (parent instanceof ArrayNode a) {
      if (action == 0) {
        a.remove(index);
      } else {
        a.set(index, randomValue(rnd, 0));
      }
    }
  }

  static byte[] mutate(Random rnd, JsonNode seed, String uid) throws Exception {
    JsonNode tree = seed.deepCopy();
    ((ObjectNode) tree.get("request")).put("uid", uid);
    for (int i = rnd.nextInt(4); i >= 0; i--) {
      mutateTree(rnd, tree);
    }
    byte[] bytes = Reviews.JSON.writeValueAsBytes(tree);
    switch (rnd.nextInt(16)) {
      case 0 -> bytes = java.util.Arrays.copyOf(bytes, rnd.nextInt(bytes.length + 1)); // truncated
      case 1 -> {
        for (int i = rnd.nextInt(5); i >= 0; i--) {
          bytes[rnd.nextInt(bytes.length)] = (byte) rnd.nextInt(256); // flipped bytes
        }
      }
      case 2 -> bytes = ("[".repeat(rnd.nextInt(3000)) + new String(bytes, StandardCharsets.UTF_8))
          .getBytes(StandardCharsets.UTF_8); // deep nesting
      default -> { }
    }
    return bytes;
  }

  @Test
  void mutatedReviewsNeverBreakTheServer(@TempDir Path dir) throws Exception {
    List<JsonNode> seeds = seeds();
    try (RunningWebhook webhook = new RunningWebhook(dir, Reviews.lookup(
        Reviews.release("v29.1.0", "v1.33.4", ReleaseState.ACTIVE)), Duration.ofSeconds(30))) {
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger reviews = new AtomicInteger();
      AtomicInteger rejected = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        final int id = t;
        Thread th = new Thread(() -> {
          Random rnd = new Random(SEED + id);
          HttpClient client = RunningWebhook.client(trust(webhook));
          for (int i = id; i < REQUESTS; i += THREADS) {
            String uid = "fuzz-" + i;
            String path = PATHS.get(rnd.nextInt(PATHS.size()));
            try {
              byte[] body = mutate(rnd, seeds.get(rnd.nextInt(seeds.size())), uid);
              HttpResponse<byte[]> r = webhook.post(client, path, body);
              if (r.statusCode() >= 500) {
                failures.add(uid + " " + path + ": HTTP " + r.statusCode());
              } else if (r.statusCode() == 200) {
                JsonNode response = Reviews.response(r.body());
                if (!response.has("allowed") || !response.get("allowed").isBoolean()) {
                  failures.add(uid + ": response without allowed");
                }
                if (response.path("uid").asText().isEmpty()) {
                  failures.add(uid + ": response without uid");
                }
                if (path.startsWith("/validate") && response.has("patch")) {
                  failures.add(uid + ": validating endpoint returned a patch");
                }
                reviews.incrementAndGet();
              } else if (r.statusCode() >= 400) {
                rejected.incrementAndGet();
              } else {
                failures.add(uid + ": HTTP " + r.statusCode());
              }
            } catch (Exception | AssertionError e) {
              failures.add(uid + " " + path + ": " + e);
            }
          }
        });
        th.start();
        threads.add(th);
      }
      for (Thread th : threads) {
        th.join(Duration.ofMinutes(5).toMillis());
        assertTrue(!th.isAlive(), "fuzz client hung");
      }
      assertEquals(List.of(), failures.stream().limit(20).toList());
      assertEquals(REQUESTS, reviews.get() + rejected.get());
      assertTrue(reviews.get() > REQUESTS / 5 && rejected.get() > REQUESTS / 20,
          "both paths exercised: " + reviews.get() + " reviews, " + rejected.get() + " rejected");
      assertEquals(200, webhook.get("/healthz").statusCode());
    }
  }

  private static javax.net.ssl.SSLContext trust(RunningWebhook w) {
    try {
      return w.pair.trustingContext();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
