package io.capkit.provider.machine;

import io.capkit.api.infra.Initialization;
import io.capkit.api.infra.KVMMachineStatus;
import io.capkit.api.infra.MachineAddress;
import io.capkit.provider.libvirt.InterfaceAddress;
import io.capkit.provider.runtime.Conditions;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Status of a KVMMachine after a reconcile outcome (pure: the old status in, the new status out). */
public final class MachineStatusWriter {
  private MachineStatusWriter() {}

  public static KVMMachineStatus waiting(KVMMachineStatus s, MachineGate.Wait w, long gen, Instant now) {
    KVMMachineStatus out = copy(s);
    var c = Conditions.set(out.getConditions(), Conditions.PAUSED, w.paused(), w.paused() ? "Paused" : "NotPaused",
        w.paused() ? w.message() : "", gen, now);
    if (!w.paused()) {
      c = Conditions.set(c, Conditions.READY, false, w.reason(), w.message(), gen, now);
    }
    out.setConditions(c);
    return out;
  }

  public static KVMMachineStatus invalid(KVMMachineStatus s, String message, long gen, Instant now) {
    KVMMachineStatus out = copy(s);
    out.setConditions(Conditions.set(notPaused(out, gen, now), Conditions.READY, false, "InvalidSpec", message, gen,
        now));
    return out;
  }

  public static KVMMachineStatus hostProblem(KVMMachineStatus s, String reason, String message, long gen,
      Instant now) {
    KVMMachineStatus out = copy(s);
    out.setConditions(Conditions.set(notPaused(out, gen, now), Conditions.READY, false, reason, message, gen, now));
    return out;
  }

  /** Steps before the failed one (on {@code host}, the claimed failure domain) are True, the failed one False with its reason, Ready False. */
  public static KVMMachineStatus failed(KVMMachineStatus s, StepFailure f, String host, long gen, Instant now) {
    KVMMachineStatus out = copy(s);
    out.setFailureDomain(host);
    var c = notPaused(out, gen, now);
    for (MachineStep step : MachineStep.values()) {
      if (step.ordinal() < f.step().ordinal()) {
        c = Conditions.set(c, step.conditionType(), true, "Done", "", gen, now);
      } else if (step == f.step()) {
        c = Conditions.set(c, step.conditionType(), false, f.reason(), f.getMessage(), gen, now);
      }
    }
    out.setConditions(Conditions.set(c, Conditions.READY, false, f.reason(), f.getMessage(), gen, now));
    return out;
  }

  /** Provisioned on the plan's host: CAPI v1beta2 reads it as the machine's failure domain (status.failureDomain). */
  public static KVMMachineStatus provisioned(KVMMachineStatus s, MachineProvisioner.Result r, MachinePlan plan,
      long gen, Instant now) {
    KVMMachineStatus out = copy(s);
    out.setFailureDomain(plan.host().name());
    var c = notPaused(out, gen, now);
    for (MachineStep step : MachineStep.values()) {
      String message = step == MachineStep.SEED && !r.seedUploaded()
          ? "seed volume created; this driver has no upload stream, content not written"
          : step == MachineStep.DOMAIN && r.platform() != null ? r.platform().summary() : "";
      c = Conditions.set(c, step.conditionType(), true, "Done", message, gen, now);
    }
    out.setConditions(Conditions.set(c, Conditions.READY, true, "Provisioned", "", gen, now));
    Initialization init = new Initialization();
    init.setProvisioned(true);
    out.setInitialization(init);
    out.setDomainName(r.domain().name());
    out.setDomainUUID(r.domain().uuid().toString());
    out.setAddresses(addresses(plan.hostname(), r.addresses()));
    out.setObservedGeneration(gen);
    return out;
  }

  /**
   * The status with each condition reduced to type, status, reason and message (no observedGeneration or
   * lastTransitionTime), as JSON: two statuses with the same key differ only in what no reader acts on. The message
   * stays: it is documented to say which of the waits with one reason holds (e.g. no dataSecretName yet, or the
   * Secret not found).
   */
  public static String outcomeKey(KVMMachineStatus s) {
    if (s == null) {
      return "null";
    }
    KVMMachineStatus out = copy(s);
    if (s.getConditions() != null) {
      out.setConditions(s.getConditions().stream().map(c -> new ConditionBuilder().withType(c.getType())
          .withStatus(c.getStatus()).withReason(c.getReason()).withMessage(c.getMessage()).build()).toList());
    }
    return Serialization.asJson(out);
  }

  static List<MachineAddress> addresses(String hostname, List<InterfaceAddress> found) {
    List<MachineAddress> out = new ArrayList<>();
    out.add(address("Hostname", hostname));
    for (String a : new TreeSet<>(found.stream().map(InterfaceAddress::address).toList())) {
      out.add(address("InternalIP", a));
    }
    out.sort(Comparator.comparing(MachineAddress::getType).thenComparing(MachineAddress::getAddress));
    return out;
  }

  private static MachineAddress address(String type, String value) {
    MachineAddress m = new MachineAddress();
    m.setType(type);
    m.setAddress(value);
    return m;
  }

  private static List<io.fabric8.kubernetes.api.model.Condition> notPaused(KVMMachineStatus s, long gen, Instant now) {
    return Conditions.set(s.getConditions(), Conditions.PAUSED, false, "NotPaused", "", gen, now);
  }

  private static KVMMachineStatus copy(KVMMachineStatus s) {
    KVMMachineStatus out = new KVMMachineStatus();
    if (s != null) {
      out.setInitialization(s.getInitialization());
      out.setFailureDomain(s.getFailureDomain());
      out.setAddresses(s.getAddresses());
      out.setConditions(s.getConditions());
      out.setDomainName(s.getDomainName());
      out.setDomainUUID(s.getDomainUUID());
      out.setLibvirt(s.getLibvirt());
      out.setObservedGeneration(s.getObservedGeneration());
    }
    return out;
  }
}
