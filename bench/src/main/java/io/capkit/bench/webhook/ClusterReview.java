package io.capkit.bench.webhook;

import java.nio.charset.StandardCharsets;

/**
 * The AdmissionReview v1 both servers receive: a CREATE of one CAPI v1beta2 Cluster without topology (the kvm
 * flavor's shape: KubeadmControlPlane and KVMCluster references), labelled with a release capkit knows. Each request
 * gets its own uid, as from an API server, written into a per-client copy of the bytes.
 */
public final class ClusterReview {
  public static final String RELEASE = "v29.1.0";
  public static final String KUBERNETES = "1.33.4";
  private static final String UID = "00000000-0000-4000-8000-000000000000";
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final byte[] bytes;
  private final int uidAt;

  public ClusterReview() {
    String json = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
        + "\"uid\":\"" + UID + "\","
        + "\"kind\":{\"group\":\"cluster.x-k8s.io\",\"version\":\"v1beta2\",\"kind\":\"Cluster\"},"
        + "\"resource\":{\"group\":\"cluster.x-k8s.io\",\"version\":\"v1beta2\",\"resource\":\"clusters\"},"
        + "\"requestKind\":{\"group\":\"cluster.x-k8s.io\",\"version\":\"v1beta2\",\"kind\":\"Cluster\"},"
        + "\"requestResource\":{\"group\":\"cluster.x-k8s.io\",\"version\":\"v1beta2\",\"resource\":\"clusters\"},"
        + "\"name\":\"prod-eu1\",\"namespace\":\"org-acme\",\"operation\":\"CREATE\","
        + "\"userInfo\":{\"username\":\"system:serviceaccount:flux-system:kustomize-controller\","
        + "\"uid\":\"5b0c8e0e-7f5c-4a53-9f0e-2d1b6c1d3a10\","
        + "\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:flux-system\",\"system:authenticated\"]},"
        + "\"object\":{\"apiVersion\":\"cluster.x-k8s.io/v1beta2\",\"kind\":\"Cluster\","
        + "\"metadata\":{\"name\":\"prod-eu1\",\"namespace\":\"org-acme\","
        + "\"labels\":{\"release.capkit.io/version\":\"" + RELEASE + "\",\"cluster.x-k8s.io/cluster-name\":\"prod-eu1\","
        + "\"app.kubernetes.io/managed-by\":\"capkit\"},"
        + "\"annotations\":{\"capkit.io/flavor\":\"kvm\"}},"
        + "\"spec\":{\"clusterNetwork\":{\"pods\":{\"cidrBlocks\":[\"10.244.0.0/16\"]},"
        + "\"services\":{\"cidrBlocks\":[\"10.96.0.0/12\"]},\"serviceDomain\":\"cluster.local\"},"
        + "\"controlPlaneEndpoint\":{\"host\":\"10.0.0.10\",\"port\":6443},"
        + "\"controlPlaneRef\":{\"apiGroup\":\"controlplane.cluster.x-k8s.io\",\"kind\":\"KubeadmControlPlane\","
        + "\"name\":\"prod-eu1-control-plane\"},"
        + "\"infrastructureRef\":{\"apiGroup\":\"infrastructure.cluster.x-k8s.io\",\"kind\":\"KVMCluster\","
        + "\"name\":\"prod-eu1\"}}},"
        + "\"oldObject\":null,\"dryRun\":false,"
        + "\"options\":{\"apiVersion\":\"meta.k8s.io/v1\",\"kind\":\"CreateOptions\",\"fieldManager\":\"kustomize-controller\"}}}";
    this.bytes = json.getBytes(StandardCharsets.UTF_8);
    this.uidAt = json.indexOf(UID);
  }

  /** The body with uid {@code <client, 8 hex>-0000-4000-8000-<seq, 12 hex>}; the same array every call. */
  public byte[] stamp(int client, long seq) {
    hex(client & 0xffffffffL, uidAt, 8);
    hex(seq, uidAt + 24, 12);
    return bytes;
  }

  /** The uid {@link #stamp} wrote last. */
  public String uid() {
    return new String(bytes, uidAt, UID.length(), StandardCharsets.US_ASCII);
  }

  private void hex(long value, int at, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      bytes[at + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }
}
