package io.capkit.provider.runtime;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * core/v1 Events about provider objects. Messages come from Problems, libvirt errors and {@link ApiCallFailure}s,
 * which never carry bootstrap data; recording an event never fails a reconcile. A repeat (same object, type, reason
 * and message, e.g. a failing step retried every 30 s) raises the count of the one Event instead of adding another:
 * the name is derived from those four, so this holds across restarts too.
 */
public final class KubernetesEvents {
  public static final String COMPONENT = "capkit-kvm-provider";
  private static final int MAX_MESSAGE = 1024;
  private final KubernetesClient client;

  public KubernetesEvents(KubernetesClient client) {
    this.client = client;
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  /** A reconciler's failed API call: reason {@value ApiCallFailure#REASON}, the failure's secret-free message. */
  public void apiError(HasMetadata about, ApiCallFailure failure) {
    warning(about, ApiCallFailure.REASON, failure.getMessage());
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  /** {@code <object>.<16 hex digits of SHA-256(uid, type, reason, message)>}, at most 253 characters. */
  static String eventName(HasMetadata about, String type, String reason, String message) {
    String key = about.getMetadata().getUid() + "\n" + type + "\n" + reason + "\n" + message;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      String name = about.getMetadata().getName();
      return (name.length() > 236 ? name.substring(0, 236) : name) + "." + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    String ns = about.getMetadata().getNamespace();
    String name = eventName(about, type, reason, text);
    try {
      client.v1().events().inNamespace(ns).resource(new EventBuilder()
          .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(about.getApiVersion())
              .withKind(about.getKind()).withName(about.getMetadata().getName())
              .withNamespace(ns).withUid(about.getMetadata().getUid()).build())
          .withType(type).withReason(reason).withMessage(text)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource().withComponent(COMPONENT).endSource()
          .build()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        repeated(ns, name, now);
      }
      // Otherwise best effort; the condition on the object carries the same information.
    }
  }

  private void repeated(String ns, String name, String now) {
    try {
      Event existing = client.v1().events().inNamespace(ns).withName(name).get();
      if (existing == null) {
        return;
      }
      int count = existing.getCount() == null ? 1 : existing.getCount();
      // resource(existing): a patch of a name alone makes fabric8 GET the object again first.
      client.v1().events().inNamespace(ns).resource(existing).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"count\":" + (count + 1) + ",\"lastTimestamp\":\"" + now + "\"}");
    } catch (KubernetesClientException e) {
      // Best effort, as above.
    }
  }
}
