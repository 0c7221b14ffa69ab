package io.capkit.provider.machine;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.MemoryQuantity;
import io.capkit.api.infra.EtcdStorage;
import io.capkit.api.infra.HostVolume;
import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.api.infra.MachineVolumes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns a KVMMachine spec into a {@link MachinePlan}, or every problem with it, each with its field path. */
public final class MachinePlanner {
  static final long GIB = 1024L * 1024 * 1024;
  private static final int MAX_CPUS = 512;
  private static final int MAX_SIZE_GB = 64 * 1024;
  private static final Pattern HOSTNAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}"
      + "(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");
  /** RFC 3720 iSCSI names: iqn.YYYY-MM.reversed.domain[:anything] or eui.16-hex. */
  private static final Pattern ISCSI = Pattern.compile(
      "iqn\\.[0-9]{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[-a-z0-9.:]+)?|eui\\.[0-9A-F]{16}");
  private static final Pattern ABSOLUTE_PATH = Pattern.compile("/[-A-Za-z0-9_./]*");

  private MachinePlanner() {}

  public static MachinePlan plan(MachineIdentity id, KVMMachineSpec spec, HostTarget host, boolean controlPlane) {
    List<Problem> problems = new ArrayList<>();
    if (spec == null) {
      throw new InvalidInputException(Problem.at("spec", "is required"));
    }
    int cpus = 0;
    if (spec.getCpus() == null) {
      problems.add(Problem.at("spec.cpus", "is required"));
    } else if (spec.getCpus() < 1 || spec.getCpus() > MAX_CPUS) {
      problems.add(Problem.at("spec.cpus", spec.getCpus() + " is not between 1 and " + MAX_CPUS));
    } else {
      cpus = spec.getCpus();
    }
    long memoryMiB = 0;
    if (spec.getMemory() == null) {
      problems.add(Problem.at("spec.memory", "is required"));
    } else {
      try {
        memoryMiB = MemoryQuantity.parse(spec.getMemory()).mebibytes();
        if (memoryMiB < 256) {
          problems.add(Problem.at("spec.memory", spec.getMemory() + " is less than 256Mi"));
        }
      } catch (IllegalArgumentException e) {
        problems.add(Problem.at("spec.memory", e.getMessage()));
      }
    }
    MachinePlan.BaseImageRef image = null;
    if (spec.getImage() == null || blank(spec.getImage().getVolume())) {
      problems.add(Problem.at("spec.image.volume", "is required (the base image volume the root disk is layered on)"));
    } else {
      image = new MachinePlan.BaseImageRef(blank(spec.getImage().getPool()) ? host.pool() : spec.getImage().getPool(),
          spec.getImage().getVolume());
    }
    MachineVolumes v = spec.getVolumes();
    Long rootBytes = size(v == null ? null : v.getRootSizeGB(), "spec.volumes.rootSizeGB", problems);
    List<MachinePlan.DataVolume> data = new ArrayList<>();
    addData(data, VolumeRole.DOCKER, v == null ? null : v.getDockerSizeGB(), "spec.volumes.dockerSizeGB", problems);
    addData(data, VolumeRole.KUBELET, v == null ? null : v.getKubeletSizeGB(), "spec.volumes.kubeletSizeGB", problems);

    List<String> dns = servers(spec.getDnsServers(), "spec.dnsServers", false, problems);
    List<String> ntp = servers(spec.getNtpServers(), "spec.ntpServers", true, problems);

    String iscsi = spec.getIscsiInitiatorName();
    if (iscsi != null) {
      if (!controlPlane) {
        problems.add(Problem.at("spec.iscsiInitiatorName", "is only set on control-plane machines"));
      } else if (!ISCSI.matcher(iscsi).matches()) {
        problems.add(Problem.at("spec.iscsiInitiatorName",
            "\"" + iscsi + "\" is not an iSCSI name (iqn.YYYY-MM.reversed.domain[:id] or eui.<16 hex digits>)"));
      }
    }

    List<MachinePlan.SharedDirectory> shared = new ArrayList<>();
    List<HostVolume> hostVolumes = spec.getHostVolumes() == null ? List.of() : spec.getHostVolumes();
    if (!hostVolumes.isEmpty() && controlPlane) {
      problems.add(Problem.at("spec.hostVolumes", "host volumes are for worker machines only"));
    }
    Set<String> tags = new HashSet<>();
    Set<String> mounts = new HashSet<>();
    for (int i = 0; i < hostVolumes.size(); i++) {
      HostVolume hv = hostVolumes.get(i);
      String at = "spec.hostVolumes[" + i + "]";
      int before = problems.size();
      Names.checkLabel(hv.getName()).ifPresent(m -> problems.add(Problem.at(at + ".name", m)));
      if (hv.getName() != null && hv.getName().length() > 31) {
        problems.add(Problem.at(at + ".name", "is longer than 31 characters (9p mount tag)"));
      }
      if (hv.getName() != null && (hv.getName().equals("etcd") || !tags.add(hv.getName()))) {
        problems.add(Problem.at(at + ".name", "\"" + hv.getName() + "\" is used twice"));
      }
      path(hv.getHostPath(), at + ".hostPath", problems);
      path(hv.getMountPath(), at + ".mountPath", problems);
      if (hv.getMountPath() != null && !mounts.add(hv.getMountPath())) {
        problems.add(Problem.at(at + ".mountPath", "\"" + hv.getMountPath() + "\" is used twice"));
      }
      if (problems.size() == before) {
        shared.add(new MachinePlan.SharedDirectory(hv.getName(), hv.getHostPath(), hv.getMountPath()));
      }
    }

    EtcdStorage etcd = spec.getEtcdStorage();
    if (etcd != null) {
      if (!controlPlane) {
        problems.add(Problem.at("spec.etcdStorage", "only control-plane machines run etcd"));
      } else if ((etcd.getHostPath() == null) == (etcd.getSizeGB() == null)) {
        problems.add(Problem.at("spec.etcdStorage", "set exactly one of hostPath and sizeGB"));
      } else if (etcd.getHostPath() != null) {
        if (path(etcd.getHostPath(), "spec.etcdStorage.hostPath", problems)) {
          shared.add(new MachinePlan.SharedDirectory("etcd", etcd.getHostPath(), VolumeRole.ETCD.mountPath()));
        }
      } else {
        addData(data, VolumeRole.ETCD, etcd.getSizeGB(), "spec.etcdStorage.sizeGB", problems);
      }
    }
    InvalidInputException.throwIfAny(problems);
    return new MachinePlan(id, host, controlPlane, cpus, memoryMiB, image, rootBytes, data, dns, ntp,
        controlPlane ? iscsi : null, shared);
  }

  private static void addData(List<MachinePlan.DataVolume> data, VolumeRole role, Integer gb, String path,
      List<Problem> problems) {
    Long bytes = size(gb, path, problems);
    if (bytes != null) {
      data.add(new MachinePlan.DataVolume(role, bytes));
    }
  }

  private static Long size(Integer gb, String path, List<Problem> problems) {
    if (gb == null) {
      return null;
    }
    if (gb < 1 || gb > MAX_SIZE_GB) {
      problems.add(Problem.at(path, gb + " is not between 1 and " + MAX_SIZE_GB));
      return null;
    }
    return gb * GIB;
  }

  private static List<String> servers(List<String> in, String path, boolean hostnames, List<Problem> problems) {
    if (in == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      String s = in.get(i);
      boolean ip = s != null && (IPV4.matcher(s).matches() || IPV6.matcher(s).matches());
      boolean name = hostnames && s != null && s.length() <= 253 && HOSTNAME.matcher(s).matches();
      if (ip || name) {
        out.add(s);
      } else {
        problems.add(Problem.at(path + "[" + i + "]",
            "\"" + s + "\" is not an IP address" + (hostnames ? " or host name" : "")));
      }
    }
    return out;
  }

  private static boolean path(String p, String at, List<Problem> problems) {
    if (p == null || p.isEmpty()) {
      problems.add(Problem.at(at, "is required"));
      return false;
    }
    if (!ABSOLUTE_PATH.matcher(p).matches() || p.contains("..") || p.length() > 4096) {
      problems.add(Problem.at(at, "\"" + p + "\" is not an absolute path of letters, digits, '-', '_', '.' and '/'"));
      return false;
    }
    return true;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
