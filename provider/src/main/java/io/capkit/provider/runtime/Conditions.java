package io.capkit.provider.runtime;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** metav1.Condition lists: set one condition, keeping its lastTransitionTime unless its status changes. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PAUSED = "Paused";
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Conditions() {}

  /** A new list with {@code type} set; the list is sorted by type so status output is stable. */
  public static List<Condition> set(List<Condition> current, String type, boolean status, String reason,
      String message, long generation, Instant now) {
    List<Condition> out = new ArrayList<>();
    String statusText = status ? "True" : "False";
    String since = RFC3339.format(now.truncatedTo(ChronoUnit.SECONDS));
    boolean found = false;
    for (Condition c : current == null ? List.<Condition>of() : current) {
      if (type.equals(c.getType())) {
        found = true;
        if (statusText.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
          since = c.getLastTransitionTime();
        }
      } else {
        out.add(c);
      }
    }
    out.add(new ConditionBuilder().withType(type).withStatus(statusText).withReason(reason)
        .withMessage(message == null ? "" : message).withObservedGeneration(generation)
        .withLastTransitionTime(since).build());
    out.sort(Comparator.comparing(Condition::getType));
    return out;
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return conditions != null && conditions.stream().anyMatch(c -> type.equals(c.getType())
        && "True".equals(c.getStatus()));
  }

  public static Condition get(List<Condition> conditions, String type) {
    return conditions == null ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
