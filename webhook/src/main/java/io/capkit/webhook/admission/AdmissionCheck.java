package io.capkit.webhook.admission;

import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.Map;

/**
 * One validating rule set for one kind. Gets the object (and on UPDATE the old object) as plain JSON trees and
 * returns a verdict; it has no side effects, so dry-run requests need no special path.
 */
@FunctionalInterface
public interface AdmissionCheck {
  Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject);
}
