package io.capkit.testsupport;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Server-side apply of plain objects (maps or JSON), as Flux and Argo CD apply rendered manifests. */
public final class ServerSideApply {
  private final KubernetesClient client;
  private final String fieldManager;

  public ServerSideApply(KubernetesClient client, String fieldManager) {
    this.client = client;
    this.fieldManager = fieldManager;
  }

  /** Applies {@code object}; with {@code dryRun} nothing is persisted. Returns what the server answered. */
  public GenericKubernetesResource apply(Object object, boolean dryRun) {
    String json = object instanceof String s ? s : Serialization.asJson(object);
    GenericKubernetesResource r = Serialization.unmarshal(json, GenericKubernetesResource.class);
    var resource = client.resource(r);
    return (dryRun ? resource.dryRun() : resource).fieldManager(fieldManager).forceConflicts().serverSideApply();
  }

  /** The object as stored, or null. */
  public GenericKubernetesResource get(Object object) {
    String json = object instanceof String s ? s : Serialization.asJson(object);
    try {
      return target(Serialization.unmarshal(json, GenericKubernetesResource.class)).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  private Resource<GenericKubernetesResource> target(GenericKubernetesResource r) {
    var op = client.genericKubernetesResources(r.getApiVersion(), r.getKind());
    String ns = r.getMetadata().getNamespace();
    return ns == null ? op.withName(r.getMetadata().getName())
        : op.inNamespace(ns).withName(r.getMetadata().getName());
  }
}
