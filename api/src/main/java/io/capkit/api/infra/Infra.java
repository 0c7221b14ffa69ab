package io.capkit.api.infra;

import java.util.Map;

/** Names of the KVM provider's API group and the CAPI contract labels its CRDs carry. */
public final class Infra {
  public static final String GROUP = "infrastructure.cluster.x-k8s.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String PROVIDER_LABEL = "cluster.x-k8s.io/provider";
  public static final String PROVIDER = "infrastructure-kvm";
  /** CAPI contract label: contract version → the provider API versions that implement it. */
  public static final Map<String, String> CRD_LABELS = Map.of(
      "cluster.x-k8s.io/v1beta2", VERSION,
      PROVIDER_LABEL, PROVIDER);
  /** The CRD category CAPI's own CRDs share: {@code kubectl get cluster-api} lists these kinds too. */
  public static final String CATEGORY = "cluster-api";
  /** providerID scheme; kubelet's --provider-id is rendered with the same prefix. */
  public static final String PROVIDER_ID_PREFIX = "kvm://";

  private Infra() {}
}
