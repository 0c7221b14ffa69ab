package io.capkit.provider.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the status of a provider object with server-side apply, as the provider's field manager. The body holds
 * only identity and the whole status the reconciler computed, so the API server replaces exactly the status fields
 * this manager owns and merges {@code status.conditions} by {@code type} (a list-map). The framework's non-SSA
 * status patch is a JSON Patch diffed against the informer's copy: when that copy lagged behind the server (after
 * the host claim), its index-based "add" operations appended condition types the server already had.
 */
public final class StatusApply {
  private StatusApply() {}

  /** Applies {@code resource}'s status; a failed call comes out as an {@link ApiCallFailure} named {@code operation}. */
  public static void apply(KubernetesClient client, HasMetadata resource, Object status, String operation) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", resource.getApiVersion());
    body.put("kind", resource.getKind());
    body.put("metadata", Map.of("name", resource.getMetadata().getName(),
        "namespace", resource.getMetadata().getNamespace()));
    body.put("status", status);
    PatchContext apply = new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
        .withFieldManager(KvmProvider.FIELD_MANAGER).withForce(true).build();
    ApiCallFailure.during(operation, () -> client.resource(resource).subresource("status")
        .patch(apply, Serialization.asJson(body)));
  }
}
