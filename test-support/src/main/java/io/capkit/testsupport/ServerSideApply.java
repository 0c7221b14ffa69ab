package io.capkit.testsupport;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

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
    PatchContext.Builder ctx = new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
        .withFieldManager(fieldManager).withForce(true);
    if (dryRun) {
      ctx.withDryRun(List.of("All"));
    }
    return target(r).patch(ctx.build(), json);
  }

  /** The object as stored, or null. */
  public GenericKubernetesResource get(Object object) {
    String json = object instanceof String s ? s : Serialization.asJson(object);
    return target(Serialization.unmarshal(json, GenericKubernetesResource.class)).get();
  }

  private Resource<GenericKubernetesResource> target(GenericKubernetesResource r) {
    var op = client.genericKubernetesResources(r.getApiVersion(), r.getKind());
    String ns = r.getMetadata().getNamespace();
    return ns == null ? op.withName(r.getMetadata().getName())
        : op.inNamespace(ns).withName(r.getMetadata().getName());
  }
}
