package io.capkit.webhook.admission;

import io.capkit.api.release.Release;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Optional;

/** Releases from the API server through a fabric8 informer: reads hit the local cache, never the API server. */
public final class InformerReleaseLookup implements ReleaseLookup, AutoCloseable {
  private final SharedIndexInformer<Release> informer;

  public InformerReleaseLookup(KubernetesClient client) {
    this.informer = client.resources(Release.class).runnableInformer(0);
    this.informer.start();
  }

  @Override
  public Optional<Release> find(String name) {
    // Release is cluster-scoped: the cache key is the bare name.
    return Optional.ofNullable(informer.getStore().getByKey(name));
  }

  @Override
  public boolean ready() {
    return informer.hasSynced();
  }

  @Override
  public void close() {
    informer.close();
  }
}
