package io.capkit.provider.runtime;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * core/v1 Events about provider objects. Messages come from Problems and libvirt errors, which never carry
 * bootstrap data; recording an event never fails a reconcile.
 */
public final class KubernetesEvents {
  public static final String COMPONENT = "capkit-kvm-provider";
  private final KubernetesClient client;

  public KubernetesEvents(KubernetesClient client) {
    this.client = client;
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    String text = message.length() > 1024 ? message.substring(0, 1024) : message;
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(new EventBuilder()
          .withNewMetadata()
          .withName(about.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT))
          .withNamespace(about.getMetadata().getNamespace())
          .endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(about.getApiVersion())
              .withKind(about.getKind()).withName(about.getMetadata().getName())
              .withNamespace(about.getMetadata().getNamespace()).withUid(about.getMetadata().getUid()).build())
          .withType(type).withReason(reason).withMessage(text)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource().withComponent(COMPONENT).endSource()
          .build()).create();
    } catch (KubernetesClientException e) {
      // Events are best effort; the condition on the object carries the same information.
    }
  }
}
