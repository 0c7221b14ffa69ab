package io.capkit.api;

import java.util.List;
import java.util.Optional;

/**
 * Where tenant objects may live. The admission webhooks' namespaceSelector leaves {@link #EXEMPT} alone (so that a
 * webhook outage cannot lock the cluster's own components out), so no admission rule would ever run on a cluster
 * placed there: the renderer, {@code capkit validate}, the webhook and the provider refuse those namespaces.
 */
public final class TenantNamespaces {
  /** The namespaces webhook/config/webhooks.yaml exempts; WebhookConfigTest keeps the two in step. */
  public static final List<String> EXEMPT = List.of("kube-system");

  private TenantNamespaces() {}

  /** A problem message when {@code namespace} cannot hold tenant objects, else empty. */
  public static Optional<String> check(String namespace) {
    Optional<String> bad = Names.checkLabel(namespace);
    if (bad.isPresent()) {
      return bad;
    }
    if (EXEMPT.contains(namespace)) {
      return Optional.of("\"" + namespace + "\" is exempt from the admission webhooks (namespaceSelector); "
          + "clusters and their machines go in an organization's namespace");
    }
    return Optional.empty();
  }
}
