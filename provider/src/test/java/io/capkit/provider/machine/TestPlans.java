package io.capkit.provider.machine;

import io.capkit.api.infra.BaseImage;
import io.capkit.api.infra.HostVolume;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.api.infra.SharedDirectory;
import io.capkit.api.infra.MachineVolumes;
import io.capkit.provider.libvirt.GuestPlatform;
import java.util.List;

/** Specs and plans shared by the machine tests. */
public final class TestPlans {
  public static final String POOL = "default";
  public static final String BASE = "base.qcow2";
  /** Host "host-a": pool and network "default", base image {@link #BASE}, /srv/data read-only, /srv/etcd writable. */
  public static final HostTarget HOST = new HostTarget("host-a", true, admin());

  /** The admin's KVMHost spec behind {@link #HOST}. */
  public static KVMHostSpec admin() {
    KVMHostSpec h = new KVMHostSpec();
    h.setUri("test:///default");
    h.setStoragePool(POOL);
    h.setNetwork("default");
    h.setBaseImages(List.of(BASE));
    SharedDirectory data = new SharedDirectory();
    data.setPath("/srv/data");
    SharedDirectory etcd = new SharedDirectory();
    etcd.setPath("/srv/etcd");
    etcd.setWritable(true);
    h.setSharedDirectories(List.of(data, etcd));
    return h;
  }
  /** A TCG host as {@code HostCapabilities#platform()} describes one. */
  public static final GuestPlatform TCG = new GuestPlatform(GuestPlatform.Accelerator.TCG, "q35", "maximum", null,
      "TCG software emulation: libvirt offers no kvm domain type on this host (no usable /dev/kvm)");
  public static final GuestPlatform KVM = new GuestPlatform(GuestPlatform.Accelerator.KVM, "q35", "host-passthrough",
      null, "KVM");

  private TestPlans() {}

  public static KVMMachineSpec spec() {
    KVMMachineSpec s = new KVMMachineSpec();
    s.setCpus(2);
    s.setMemory("4Gi");
    BaseImage image = new BaseImage();
    image.setVolume(BASE);
    s.setImage(image);
    MachineVolumes v = new MachineVolumes();
    v.setRootSizeGB(20);
    v.setDockerSizeGB(40);
    v.setKubeletSizeGB(30);
    s.setVolumes(v);
    s.setDnsServers(List.of("10.0.0.53"));
    s.setNtpServers(List.of("ntp.example.org"));
    return s;
  }

  /** {@link #spec()} with one host volume: /srv/data on the host at /mnt/data in the guest, tag "data". */
  public static KVMMachineSpec workerWithHostVolume() {
    KVMMachineSpec s = spec();
    HostVolume hv = new HostVolume();
    hv.setName("data");
    hv.setHostPath("/srv/data");
    hv.setMountPath("/mnt/data");
    s.setHostVolumes(List.of(hv));
    return s;
  }

  public static MachinePlan plan(String namespace, String name, HostTarget host) {
    return MachinePlanner.plan(MachineIdentity.of(namespace, name), spec(), host, false);
  }
}
