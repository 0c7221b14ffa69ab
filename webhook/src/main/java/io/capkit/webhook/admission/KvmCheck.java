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
import java.util.function.Supplier;

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
  private static final String TEMPLATE_SPEC = "spec.template.spec";
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
        var spec = ((KVMClusterTemplate) typed).getSpec();
        p.addAll(template(spec == null || spec.getTemplate() == null ? null
            : () -> rules.validateClusterSpec(spec.getTemplate().getSpec(), TEMPLATE_SPEC), old != null,
            old == null ? null : ((KVMClusterTemplate) old).getSpec(), spec));
      }
      case KVM_MACHINE -> {
        KVMMachine m = (KVMMachine) typed;
        p.addAll(old == null ? rules.validateMachineSpec(m.getSpec(), "spec")
            : rules.validateMachineUpdate(((KVMMachine) old).getSpec(), m.getSpec(), "spec"));
      }
      case KVM_MACHINE_TEMPLATE -> {
        var spec = ((KVMMachineTemplate) typed).getSpec();
        p.addAll(template(spec == null || spec.getTemplate() == null ? null
            : () -> rules.validateMachineSpec(spec.getTemplate().getSpec(), TEMPLATE_SPEC), old != null,
            old == null ? null : ((KVMMachineTemplate) old).getSpec(), spec));
      }
      default -> throw new IllegalStateException("unhandled kind " + kind);
    }
    return Verdict.of(p);
  }

  /**
   * The rules every template kind shares: {@code spec.template} is required ({@code validateTemplate} is null when
   * it is missing) and valid, and on update the spec is unchanged.
   */
  private List<Problem> template(Supplier<List<Problem>> validateTemplate, boolean update, Object oldSpec,
                                 Object spec) {
    List<Problem> p = new ArrayList<>(validateTemplate == null
        ? List.of(Problem.at("spec.template", "is required")) : validateTemplate.get());
    if (update) {
      p.addAll(rules.checkTemplateUnchanged(oldSpec, spec, "spec"));
    }
    return p;
  }
}
