package io.capkit.webhook.admission;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.javaoperatorsdk.webhook.admission.AdmissionController;
import io.javaoperatorsdk.webhook.admission.AdmissionRequestHandler;
import io.javaoperatorsdk.webhook.admission.mutation.DefaultAdmissionRequestMutator;
import io.javaoperatorsdk.webhook.admission.mutation.Mutator;

/**
 * One admission URL: the kind (group and kind) it admits and the framework controller that handles it, guarded so
 * that a failing rule denies instead of escaping. A validating endpoint also keeps its check, which the dispatcher
 * runs on the plain parsed trees (no typed model needed to validate).
 */
public record AdmissionEndpoint(String path, boolean mutating, String group, String kind,
                                AdmissionController<GenericKubernetesResource> controller, AdmissionCheck check) {

  public static AdmissionEndpoint mutating(String path, String group, String kind,
                                           Mutator<GenericKubernetesResource> mutator) {
    AdmissionRequestHandler h = new GuardedHandler(path, true, new DefaultAdmissionRequestMutator<>(mutator));
    return new AdmissionEndpoint(path, true, group, kind, new AdmissionController<>(h), null);
  }

  public static AdmissionEndpoint validating(String path, String group, String kind, AdmissionCheck check) {
    AdmissionRequestHandler h = new GuardedHandler(path, false, new ValidatingHandler(check));
    return new AdmissionEndpoint(path, false, group, kind, new AdmissionController<>(h), check);
  }
}
