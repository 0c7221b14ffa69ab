package io.capkit.provider.machine;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.contract.MemoryQuantity;
import io.capkit.api.infra.EtcdStorage;
import io.capkit.api.infra.HostVolume;
import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.api.infra.KvmRules;
import io.capkit.api.infra.MachineVolumes;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a KVMMachine spec into a {@link MachinePlan}, or every problem with it, each with its field path. The rules
 * on the values and the role are {@link KvmRules#machineSpecProblems} and {@link KvmRules#machineRoleProblems} (the
 * webhook's); this class adds only the fields the webhook defaults and a plan cannot do without.
 */
public final class MachinePlanner {
  static final long GIB = 1024L * 1024 * 1024;

  private MachinePlanner() {}

  public static MachinePlan plan(MachineIdentity id, KVMMachineSpec spec, HostTarget host, boolean controlPlane) {
    List<Problem> problems = new ArrayList<>(KvmRules.machineSpecProblems(spec, "spec"));
    if (spec == null) {
      throw new InvalidInputException(problems);
    }
    if (spec.getCpus() == null) {
      problems.add(Problem.at("spec.cpus", "is required"));
    }
    if (spec.getMemory() == null) {
      problems.add(Problem.at("spec.memory", "is required"));
    }
    problems.addAll(KvmRules.machineRoleProblems(spec, "spec", controlPlane));
    InvalidInputException.throwIfAny(problems);

    MachinePlan.BaseImageRef image = new MachinePlan.BaseImageRef(
        blank(spec.getImage().getPool()) ? host.pool() : spec.getImage().getPool(), spec.getImage().getVolume());
    MachineVolumes v = spec.getVolumes() == null ? new MachineVolumes() : spec.getVolumes();
    List<MachinePlan.DataVolume> data = new ArrayList<>();
    addData(data, VolumeRole.DOCKER, v.getDockerSizeGB());
    addData(data, VolumeRole.KUBELET, v.getKubeletSizeGB());
    List<MachinePlan.SharedDirectory> shared = new ArrayList<>();
    for (HostVolume hv : spec.getHostVolumes() == null ? List.<HostVolume>of() : spec.getHostVolumes()) {
      shared.add(new MachinePlan.SharedDirectory(hv.getName(), hv.getHostPath(), hv.getMountPath()));
    }
    EtcdStorage etcd = spec.getEtcdStorage();
    if (etcd != null && etcd.getHostPath() != null) {
      shared.add(new MachinePlan.SharedDirectory(KvmRules.ETCD_MOUNT_TAG, etcd.getHostPath(),
          VolumeRole.ETCD.mountPath()));
    } else if (etcd != null) {
      addData(data, VolumeRole.ETCD, etcd.getSizeGB());
    }
    return new MachinePlan(id, host, controlPlane, spec.getCpus(), MemoryQuantity.parse(spec.getMemory()).mebibytes(),
        image, v.getRootSizeGB() == null ? null : v.getRootSizeGB() * GIB, data, orEmpty(spec.getDnsServers()),
        orEmpty(spec.getNtpServers()), controlPlane ? spec.getIscsiInitiatorName() : null, shared);
  }

  private static void addData(List<MachinePlan.DataVolume> data, VolumeRole role, Integer gb) {
    if (gb != null) {
      data.add(new MachinePlan.DataVolume(role, gb * GIB));
    }
  }

  private static List<String> orEmpty(List<String> in) {
    return in == null ? List.of() : List.copyOf(in);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
