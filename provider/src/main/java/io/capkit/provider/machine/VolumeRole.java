package io.capkit.provider.machine;

/**
 * The volumes a machine may own, in the order their disks are attached. The console log is not a disk: it is the
 * file the serial console is logged to, placed in the pool's directory so that it is a volume of the machine and
 * goes with it.
 */
public enum VolumeRole {
  ROOT("root.qcow2", "vda", null),
  DOCKER("docker.qcow2", "vdb", "/var/lib/docker"),
  KUBELET("kubelet.qcow2", "vdc", "/var/lib/kubelet"),
  ETCD("etcd.qcow2", "vdd", "/var/lib/etcd"),
  SEED("seed.iso", "sda", null),
  CONSOLE("console.log", null, null);

  private final String suffix;
  private final String targetDev;
  private final String mountPath;

  VolumeRole(String suffix, String targetDev, String mountPath) {
    this.suffix = suffix;
    this.targetDev = targetDev;
    this.mountPath = mountPath;
  }

  public String suffix() {
    return suffix;
  }

  public String targetDev() {
    return targetDev;
  }

  /** Where the guest mounts a data volume; null for root and seed. */
  public String mountPath() {
    return mountPath;
  }

  /** The disk serial, visible in the guest as /dev/disk/by-id/virtio-&lt;serial&gt;. */
  public String serial() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
