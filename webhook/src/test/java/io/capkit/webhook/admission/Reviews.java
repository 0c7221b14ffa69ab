package io.capkit.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseComponent;
import io.capkit.api.release.ReleaseSpec;
import io.capkit.api.release.ReleaseState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds AdmissionReview bodies and objects for tests, and reads answers. */
public final class Reviews {
  public static final ObjectMapper JSON = new ObjectMapper();

  private Reviews() {}

  public static byte[] review(String uid, String operation, String group, String kind, Map<String, Object> object,
                              Map<String, Object> oldObject, boolean dryRun) {
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("uid", uid);
    req.put("kind", Map.of("group", group, "version", "v1alpha1", "kind", kind));
    req.put("resource", Map.of("group", group, "version", "v1alpha1", "resource", kind.toLowerCase(java.util.Locale.ROOT) + "s"));
    req.put("operation", operation);
    req.put("userInfo", Map.of("username", "admin"));
    req.put("dryRun", dryRun);
    if (object != null) {
      req.put("object", object);
    }
    if (oldObject != null) {
      req.put("oldObject", oldObject);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("apiVersion", "admission.k8s.io/v1");
    root.put("kind", "AdmissionReview");
    root.put("request", req);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, Object> object(String apiVersion, String kind, String name, Map<String, Object> spec) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", apiVersion);
    o.put("kind", kind);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    meta.put("namespace", "org-acme");
    o.put("metadata", meta);
    if (spec != null) {
      o.put("spec", spec);
    }
    return o;
  }

  public static Map<String, Object> workloadCluster(Map<String, Object> variables) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("release", "v29.1.0");
    spec.put("controlPlaneEndpoint", new LinkedHashMap<>(Map.of("host", "10.0.0.10", "port", 6443)));
    if (variables != null) {
      spec.put("variables", new LinkedHashMap<>(variables));
    }
    return object("fleet.capkit.io/v1alpha1", "WorkloadCluster", "prod-eu1", spec);
  }

  /** A release on the CAPI v1beta2 contract with the components of the {@code kvm} flavor. */
  public static Release release(String name, String kubernetes, ReleaseState state) {
    return release(name, state, "kubernetes", kubernetes, "cluster-api-core", "1.14.0",
        "cluster-api-bootstrap-kubeadm", "1.14.0", "cluster-api-control-plane-kubeadm", "1.14.0",
        "cluster-api-provider-kvm", "0.2.0");
  }

  /** A release with exactly these components, given as name, version, name, version, …. */
  public static Release release(String name, ReleaseState state, String... components) {
    Release r = new Release();
    r.setMetadata(new ObjectMetaBuilder().withName(name).build());
    ReleaseSpec s = new ReleaseSpec();
    List<ReleaseComponent> list = new ArrayList<>();
    for (int i = 0; i + 1 < components.length; i += 2) {
      list.add(new ReleaseComponent(components[i], components[i + 1]));
    }
    s.setComponents(list);
    s.setDate("2025-06-01T00:00:00Z");
    s.setState(state);
    r.setSpec(s);
    return r;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> tree(Object value) {
    return JSON.convertValue(value, Map.class);
  }

  /** A lookup over a fixed set of releases. */
  public static ReleaseLookup lookup(Release... releases) {
    Map<String, Release> byName = new LinkedHashMap<>();
    for (Release r : releases) {
      byName.put(r.getMetadata().getName(), r);
    }
    return name -> Optional.ofNullable(byName.get(name));
  }

  public static JsonNode response(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (!"admission.k8s.io/v1".equals(root.path("apiVersion").asText())
          || !"AdmissionReview".equals(root.path("kind").asText()) || !root.path("response").isObject()) {
        throw new AssertionError("not an AdmissionReview response: " + new String(body, StandardCharsets.UTF_8));
      }
      return root.get("response");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON patch of a response, decoded. */
  public static JsonNode patch(JsonNode response) {
    try {
      return JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
