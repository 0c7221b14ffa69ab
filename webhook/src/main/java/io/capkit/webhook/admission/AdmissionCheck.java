package io.capkit.webhook.admission;

import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.List;
import java.util.Map;

/**
 * One validating rule set for one kind. Gets the object (and on UPDATE the old object) as plain JSON trees and
 * returns a verdict; it has no side effects, so dry-run requests need no special path.
 */
@FunctionalInterface
public interface AdmissionCheck {
  /** The whole object, for {@link #reads()}. */
  List<String> WHOLE_OBJECT = List.of("");

  Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject);

  /**
   * The dotted paths of the objects this check reads; the trees it gets hold these (and apiVersion, kind,
   * metadata) only, so that parsing skips the rest instead of building it. Default: everything.
   */
  default List<String> reads() {
    return WHOLE_OBJECT;
  }
}
