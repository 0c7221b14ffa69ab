package io.capkit.webhook.admission;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.infra.Infra;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterTemplate;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineTemplate;
import io.capkit.api.infra.KvmRules;
import io.capkit.api.yaml.StrictReader;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Validation of the KVM infrastructure kinds; templates may not change their spec after create. */
public final class KvmCheck implements AdmissionCheck {
  /** The kinds this check knows, with their Java types. */
  public enum Kind {
    KVM_CLUSTER("KVMCluster", KVMCluster.class),
    KVM_CLUSTER_TEMPLATE("KVMClusterTemplate", KVMClusterTemplate.class),
    KVM_MACHINE("KVMMachine", KVMMachine.class),
    KVM_MACHINE_TEMPLATE("KVMMachineTemplate", KVMMachineTemplate.class);

    final String kind;
    final Class<?> type;

    Kind(String kind, Class<?> type) {
      this.kind = kind;
      this.type = type;
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
    Object typed;
    try {
      typed = StrictReader.read(null, object, kind.type, Infra.API_VERSION, kind.kind);
    } catch (InvalidInputException e) {
      return Verdict.of(e.problems());
    }
    List<Problem> p = new ArrayList<>();
    Object old = null;
    if (operation == Operation.UPDATE && oldObject != null) {
      try {
        old = StrictReader.read(null, oldObject, kind.type, Infra.API_VERSION, kind.kind);
      } catch (InvalidInputException e) {
        old = null;
      }
    }
    switch (kind) {
      case KVM_CLUSTER -> p.addAll(rules.validateClusterSpec(((KVMCluster) typed).getSpec(), "spec"));
      case KVM_CLUSTER_TEMPLATE -> {
        KVMClusterTemplate t = (KVMClusterTemplate) typed;
        if (t.getSpec() == null || t.getSpec().getTemplate() == null) {
          p.add(Problem.at("spec.template", "is required"));
        } else {
          p.addAll(rules.validateClusterSpec(t.getSpec().getTemplate().getSpec(), "spec.template.spec"));
        }
        if (old != null) {
          p.addAll(rules.checkTemplateUnchanged(((KVMClusterTemplate) old).getSpec(), t.getSpec(), "spec"));
        }
      }
      case KVM_MACHINE -> {
        KVMMachine m = (KVMMachine) typed;
        p.addAll(old == null ? rules.validateMachineSpec(m.getSpec(), "spec")
            : rules.validateMachineUpdate(((KVMMachine) old).getSpec(), m.getSpec(), "spec"));
      }
      case KVM_MACHINE_TEMPLATE -> {
        KVMMachineTemplate t = (KVMMachineTemplate) typed;
        if (t.getSpec() == null || t.getSpec().getTemplate() == null) {
          p.add(Problem.at("spec.template", "is required"));
        } else {
          p.addAll(rules.validateMachineSpec(t.getSpec().getTemplate().getSpec(), "spec.template.spec"));
        }
        if (old != null) {
          p.addAll(rules.checkTemplateUnchanged(((KVMMachineTemplate) old).getSpec(), t.getSpec(), "spec"));
        }
      }
      default -> throw new IllegalStateException("unhandled kind " + kind);
    }
    return Verdict.of(p);
  }
}
