package io.capkit.webhook.admission;

import io.capkit.api.InvalidInputException;
import io.capkit.api.release.Release;
import io.capkit.api.release.ReleaseRules;
import io.capkit.api.yaml.StrictReader;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.Map;

/** Release objects: {@link ReleaseRules#validate} on create, {@link ReleaseRules#validateUpdate} on update. */
public final class ReleaseCheck implements AdmissionCheck {
  @Override
  public Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject) {
    Release release;
    try {
      release = StrictReader.read(null, object, Release.class, Release.API_VERSION, "Release");
    } catch (InvalidInputException e) {
      return Verdict.of(e.problems());
    }
    if (operation == Operation.UPDATE && oldObject != null) {
      Release old;
      try {
        old = StrictReader.read(null, oldObject, Release.class, Release.API_VERSION, "Release");
      } catch (InvalidInputException e) {
        // An old object that no longer reads (stored before this webhook) cannot bind the update.
        return Verdict.of(ReleaseRules.validate(release));
      }
      return Verdict.of(ReleaseRules.validateUpdate(old, release));
    }
    return Verdict.of(ReleaseRules.validate(release));
  }
}
