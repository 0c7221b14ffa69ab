package io.capkit.bench.provider;

import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.provider.machine.CapiObjects;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Creates the benchmark's objects the way CAPI would leave them (per machine: bootstrap Secret, Machine, KVMMachine
 * owned by the Machine) with pipelined asynchronous POSTs of pre-built JSON on the client's own HTTP connection pool,
 * so the harness spends little CPU and never waits for one object before sending the next machine's. The Secret and
 * the Machine go out together; the KVMMachine follows once both exist: it carries the Machine's UID, and the bootstrap
 * Secret exists before anything names it for the provider (CAPI sets {@code dataSecretName} only once its Secret
 * exists; a KVMMachine whose Secret is still on the wire would wait for the provider's Secret poll).
 */
final class FixtureWriter {
  private final HttpClient http;
  private final String base;
  private final String cluster;
  private final String secretData;
  private final String specJson;
  private final Semaphore inFlight;

  FixtureWriter(KubernetesClient client, String cluster, String bootstrapData, KVMMachineSpec spec, int maxInFlight) {
    this.http = client.getHttpClient();
    String master = client.getMasterUrl().toString();
    this.base = master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
    this.cluster = cluster;
    Base64.Encoder b64 = Base64.getEncoder();
    this.secretData = "{\"value\":\"" + b64.encodeToString(bootstrapData.getBytes(StandardCharsets.UTF_8))
        + "\",\"format\":\"" + b64.encodeToString("cloud-config".getBytes(StandardCharsets.UTF_8)) + "\"}";
    this.specJson = Serialization.asJson(spec);
    this.inFlight = new Semaphore(maxInFlight);
  }

  /** Creates machines {@code names}, at most maxInFlight machines at a time; returns when all exist. */
  void create(String ns, Iterable<String> names) throws Exception {
    CompletableFuture<?> all = CompletableFuture.completedFuture(null);
    for (String name : names) {
      inFlight.acquire();
      CompletableFuture<String> secret = post("/api/v1/namespaces/" + ns + "/secrets", secret(ns, name));
      CompletableFuture<String> machine = post("/apis/cluster.x-k8s.io/v1beta2/namespaces/" + ns + "/machines",
          machine(ns, name));
      CompletableFuture<?> done = machine.thenCombine(secret, (body, s) -> uidOf(body))
          .thenCompose(uid -> post("/apis/infrastructure.cluster.x-k8s.io/v1alpha1/namespaces/" + ns + "/kvmmachines",
              kvmMachine(ns, name, uid)))
          .whenComplete((v, e) -> inFlight.release());
      all = CompletableFuture.allOf(all, done);
    }
    all.get(10, TimeUnit.MINUTES);
  }

  private CompletableFuture<String> post(String path, String json) {
    HttpRequest request = http.newHttpRequestBuilder().uri(base + path)
        .post("application/json", json.getBytes(StandardCharsets.UTF_8)).build();
    return http.sendAsync(request, String.class).thenApply(r -> {
      if (r.code() != 201) {
        throw new IllegalStateException("POST " + path + " answered " + r.code() + ": " + r.body());
      }
      return r.body();
    });
  }

  private String labels() {
    return "\"labels\":{\"" + CapiObjects.CLUSTER_NAME_LABEL + "\":\"" + cluster + "\"}";
  }

  private String secret(String ns, String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + name + "-bootstrap\","
        + "\"namespace\":\"" + ns + "\"," + labels() + "},\"type\":\"cluster.x-k8s.io/secret\",\"data\":"
        + secretData + "}";
  }

  private String machine(String ns, String name) {
    return "{\"apiVersion\":\"" + CapiObjects.API_VERSION + "\",\"kind\":\"Machine\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"" + ns + "\"," + labels() + "},\"spec\":{\"clusterName\":\"" + cluster + "\","
        + "\"bootstrap\":{\"dataSecretName\":\"" + name + "-bootstrap\"},\"infrastructureRef\":{\"apiGroup\":"
        + "\"infrastructure.cluster.x-k8s.io\",\"kind\":\"KVMMachine\",\"name\":\"" + name + "\"}}}";
  }

  private String kvmMachine(String ns, String name, String machineUid) {
    return "{\"apiVersion\":\"infrastructure.cluster.x-k8s.io/v1alpha1\",\"kind\":\"KVMMachine\",\"metadata\":{"
        + "\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"," + labels() + ",\"ownerReferences\":[{"
        + "\"apiVersion\":\"" + CapiObjects.API_VERSION + "\",\"kind\":\"Machine\",\"name\":\"" + name + "\","
        + "\"uid\":\"" + machineUid + "\",\"controller\":true}]},\"spec\":" + specJson + "}";
  }

  /** The object's metadata.uid: the first "uid" in a created object's JSON is its own (metadata comes first). */
  static String uidOf(String createdJson) {
    int at = createdJson.indexOf("\"uid\":\"");
    if (at < 0) {
      throw new IllegalStateException("no uid in the created object");
    }
    int start = at + 7;
    return createdJson.substring(start, createdJson.indexOf('"', start));
  }
}
