package io.capkit.webhook.admission;

import io.capkit.api.InvalidInputException;
import io.capkit.api.infra.Infra;
import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.KvmHostRules;
import io.capkit.api.yaml.StrictReader;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.Map;

/** KVMHost, the admins' object: {@link KvmHostRules#validateHost} on create and update. */
public final class KvmHostCheck implements AdmissionCheck {
  @Override
  public Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject) {
    KVMHost host;
    try {
      host = StrictReader.read(null, object, KVMHost.class, Infra.API_VERSION, "KVMHost");
    } catch (InvalidInputException e) {
      return Verdict.of(e.problems());
    }
    return Verdict.of(KvmHostRules.validateHost(host.getMetadata().getName(), host.getSpec()));
  }
}
