package io.capkit.webhook.admission;

import io.capkit.api.infra.KvmRules;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.Map;

/** Validation of the KVM infrastructure kinds by {@link KvmRules#validateObject}, as {@code capkit validate} does. */
public final class KvmCheck implements AdmissionCheck {
  /** The kinds this check knows. */
  public enum Kind {
    KVM_CLUSTER("KVMCluster"),
    KVM_CLUSTER_TEMPLATE("KVMClusterTemplate"),
    KVM_MACHINE("KVMMachine"),
    KVM_MACHINE_TEMPLATE("KVMMachineTemplate");

    final String kind;

    Kind(String kind) {
      this.kind = kind;
    }

    public String kindName() {
      return kind;
    }
  }

  private final Kind kind;
  private final KvmRules rules;

  public KvmCheck(Kind kind, KvmRules rules) {
    this.kind = kind;
    this.rules = rules;
  }

  @Override
  public Verdict check(Operation operation, Map<String, Object> object, Map<String, Object> oldObject) {
    return Verdict.of(rules.validateObject(kind.kind, object, operation == Operation.UPDATE ? oldObject : null));
  }
}
