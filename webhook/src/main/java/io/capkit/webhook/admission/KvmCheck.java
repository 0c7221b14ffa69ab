package io.capkit.webhook.admission;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.infra.Infra;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMClusterTemplate;
import io.capkit.api.infra.KVMMachine;
import io.capkit.api.infra.KVMMachineTemplate;
import io.capkit.api.infra.KvmRules;
import io.capkit.api.TenantNamespaces;
import io.capkit.api.infra.HostCatalog;
import io.capkit.api.infra.KVMClusterSpec;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.api.infra.KvmHostRules;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Arrays;
import java.util.Objects;
import io.capkit.api.yaml.StrictReader;
import io.javaoperatorsdk.webhook.admission.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Validation of the KVM infrastructure kinds: each spec's own rules, then the tenancy rules against the admins'
 * KVMHosts (hosts by name from namespaces they allow; base images and shared directories from their lists);
 * templates may not change their spec after create. The tenancy rules run when the fields they judge are created or
 * changed, not on updates that leave them alone (finalizers, the provider's claim), so a host an admin narrows later
 * never blocks a machine's deletion.
 */
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

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private final Kind kind;
  private static final String TEMPLATE_SPEC = "spec.template.spec";
  private final KvmRules rules;
  private final HostCatalog hosts;

  public KvmCheck(Kind kind, KvmRules rules, HostCatalog hosts) {
    this.kind = kind;
    this.rules = rules;
    this.hosts = hosts;
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
    HasMetadata meta = (HasMetadata) typed;
    String ns = meta.getMetadata().getNamespace();
    boolean deleting = meta.getMetadata().getDeletionTimestamp() != null;
    if (!deleting) {
      TenantNamespaces.check(ns).ifPresent(m -> p.add(Problem.at("metadata.namespace", m)));
    }
    switch (kind) {
      case KVM_CLUSTER -> {
        KVMClusterSpec spec = ((KVMCluster) typed).getSpec();
        p.addAll(rules.validateClusterSpec(spec, "spec"));
        if (!deleting && changed(old == null ? null : hostsOf(((KVMCluster) old).getSpec()), hostsOf(spec), old)) {
          p.addAll(clusterHosts(spec, "spec", ns));
        }
      }
      case KVM_CLUSTER_TEMPLATE -> {
        var spec = ((KVMClusterTemplate) typed).getSpec();
        p.addAll(template(spec == null || spec.getTemplate() == null ? null
            : () -> rules.validateClusterSpec(spec.getTemplate().getSpec(), TEMPLATE_SPEC), old != null,
            old == null ? null : ((KVMClusterTemplate) old).getSpec(), spec));
        if (old == null && spec != null && spec.getTemplate() != null) {
          p.addAll(clusterHosts(spec.getTemplate().getSpec(), TEMPLATE_SPEC, ns));
        }
      }
      case KVM_MACHINE -> {
        KVMMachine m = (KVMMachine) typed;
        p.addAll(old == null ? rules.validateMachineSpec(m.getSpec(), "spec")
            : rules.validateMachineUpdate(((KVMMachine) old).getSpec(), m.getSpec(), "spec"));
        if (!deleting && changed(old == null ? null : hostUse(((KVMMachine) old).getSpec()), hostUse(m.getSpec()),
            old)) {
          p.addAll(machineOnHosts(m.getSpec(), "spec", ns));
        }
      }
      case KVM_MACHINE_TEMPLATE -> {
        var spec = ((KVMMachineTemplate) typed).getSpec();
        p.addAll(template(spec == null || spec.getTemplate() == null ? null
            : () -> rules.validateMachineSpec(spec.getTemplate().getSpec(), TEMPLATE_SPEC), old != null,
            old == null ? null : ((KVMMachineTemplate) old).getSpec(), spec));
        if (old == null && spec != null && spec.getTemplate() != null) {
          p.addAll(machineOnHosts(spec.getTemplate().getSpec(), TEMPLATE_SPEC, ns));
        }
      }
      default -> throw new IllegalStateException("unhandled kind " + kind);
    }
    return Verdict.of(p);
  }

  private List<Problem> clusterHosts(KVMClusterSpec spec, String path, String ns) {
    return KvmHostRules.checkClusterHosts(spec, path, ns, hosts.namespaceLabels(ns), hosts::host);
  }

  /**
   * A machine spec against the hosts its namespace may use: the host it is placed on when it names one the
   * namespace may use, else any of them (the provider checks the host it picks again).
   */
  private List<Problem> machineOnHosts(KVMMachineSpec spec, String path, String ns) {
    if (spec == null) {
      return List.of();
    }
    Map<String, KVMHostSpec> usable = hosts.hostsFor(ns);
    String placed = spec.getFailureDomain();
    if (placed != null && usable.containsKey(placed)) {
      return KvmHostRules.checkMachineOnHost(spec, path, placed, usable.get(placed));
    }
    return KvmHostRules.checkMachineOnAnyHost(spec, path, usable);
  }

  private static boolean changed(Object before, Object after, Object old) {
    return old == null || !Objects.equals(JSON.valueToTree(before), JSON.valueToTree(after));
  }

  private static Object hostsOf(KVMClusterSpec spec) {
    return spec == null ? null : spec.getHosts();
  }

  /** The fields of a machine spec the hosts' allow-lists judge. */
  private static Object hostUse(KVMMachineSpec spec) {
    return spec == null ? null : Arrays.asList(spec.getImage(), spec.getHostVolumes(), spec.getEtcdStorage());
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
