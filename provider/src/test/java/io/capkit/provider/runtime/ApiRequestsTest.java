package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ApiRequestsTest {
  private static String key(String method, String url, String contentType) {
    return ApiRequests.key(method, URI.create("https://127.0.0.1:6443" + url), contentType);
  }

  /** The API server's own names (apiserver_request_total): verb, resource and subresource. */
  @Test
  void namesRequestsAsTheApiServerDoes() {
    String kvm = "/apis/infrastructure.cluster.x-k8s.io/v1alpha1/namespaces/ns1/kvmmachines";
    assertEquals("GET kvmmachines", key("GET", kvm + "/m1", null));
    assertEquals("LIST kvmmachines", key("GET", kvm + "?resourceVersion=0", null));
    assertEquals("WATCH kvmmachines", key("GET", kvm + "?allowWatchBookmarks=true&watch=true&resourceVersion=5", null));
    assertEquals("PATCH kvmmachines", key("PATCH", kvm + "/m1", "application/merge-patch+json"));
    assertEquals("APPLY kvmmachines/status",
        key("PATCH", kvm + "/m1/status?fieldManager=x&force=true", "application/apply-patch+yaml"));
    assertEquals("PATCH kvmmachines/status", key("PATCH", kvm + "/m1/status", "application/json-patch+json"));
    assertEquals("POST events", key("POST", "/api/v1/namespaces/ns1/events", "application/json"));
    assertEquals("GET secrets", key("GET", "/api/v1/namespaces/ns1/secrets/boot", null));
    assertEquals("LIST kvmhosts", key("GET", "/apis/infrastructure.cluster.x-k8s.io/v1alpha1/kvmhosts", null));
    assertEquals("LIST namespaces", key("GET", "/api/v1/namespaces", null));
    assertEquals("GET namespaces", key("GET", "/api/v1/namespaces/ns1", null));
    assertEquals("PUT leases", key("PUT", "/apis/coordination.k8s.io/v1/namespaces/capk-system/leases/l", null));
    assertEquals("GET -", key("GET", "/version", null));
    assertEquals("GET -", key("GET", "/apis", null));
  }
}
