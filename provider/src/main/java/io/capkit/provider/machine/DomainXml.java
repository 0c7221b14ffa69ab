package io.capkit.provider.machine;

import io.capkit.provider.libvirt.GuestPlatform;
import io.capkit.provider.libvirt.LibvirtXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The libvirt domain XML of a machine, built as a DOM document from its {@link MachinePlan} and the host's
 * {@link GuestPlatform}. What a real boot needs (see docs/provider.md): the root disk boots first by device boot
 * order, the seed is a CD-ROM on virtio-scsi (cloud kernels often lack AHCI, so a SATA CD-ROM is invisible), the NIC
 * has the MAC the seed's network config matches, and the serial console is logged to a file in the pool.
 */
public final class DomainXml {
  /** XML namespace of the provider's domain metadata; lets an operator tell capkit domains from others. */
  public static final String METADATA_NS = "https://capkit.io/xmlns/kvmmachine/v1alpha1";
  /** CPU weight per vCPU: cgroup v2's default {@code cpu.weight}, so a 1-vCPU guest weighs as much as any process. */
  static final int SHARES_PER_VCPU = 100;
  /** cgroup v2 caps {@code cpu.weight} at 10,000 (libvirt writes shares there as is); v1 allows up to 262,144. */
  static final int MAX_SHARES = 10_000;

  private DomainXml() {}

  /**
   * The domain of {@code plan} on a host with {@code platform}; {@code consoleLog} is the file the serial console is
   * logged to, or null for none.
   */
  public static String of(MachinePlan plan, GuestPlatform platform, String consoleLog) {
    Document doc = LibvirtXml.newDocument("domain");
    Element domain = doc.getDocumentElement();
    domain.setAttribute("type", platform.domainType());
    MachineIdentity id = plan.identity();
    LibvirtXml.child(domain, "name", id.domainName());
    LibvirtXml.child(domain, "uuid", id.uuid().toString());
    LibvirtXml.child(domain, "title", "KVMMachine " + id.namespace() + "/" + id.name());
    Element meta = doc.createElementNS(METADATA_NS, "capkit:machine");
    meta.setAttribute("namespace", id.namespace());
    meta.setAttribute("name", id.name());
    meta.setAttribute("host", plan.host().name());
    meta.setAttribute("role", plan.controlPlane() ? "control-plane" : "worker");
    LibvirtXml.child(domain, "metadata").appendChild(meta);
    LibvirtXml.child(domain, "memory", Long.toString(plan.memoryMiB())).setAttribute("unit", "MiB");
    LibvirtXml.child(domain, "currentMemory", Long.toString(plan.memoryMiB())).setAttribute("unit", "MiB");
    LibvirtXml.child(domain, "vcpu", Integer.toString(plan.cpus())).setAttribute("placement", "static");
    // CPU weight follows the vCPU count so a large VM is not starved by many small ones on the same host.
    LibvirtXml.child(LibvirtXml.child(domain, "cputune"), "shares", Integer.toString(shares(plan.cpus())));
    Element os = LibvirtXml.child(domain, "os");
    Element type = LibvirtXml.child(os, "type", "hvm");
    type.setAttribute("arch", "x86_64");
    type.setAttribute("machine", platform.machine());
    Element features = LibvirtXml.child(domain, "features");
    LibvirtXml.child(features, "acpi");
    LibvirtXml.child(features, "apic");
    Element cpu = LibvirtXml.child(domain, "cpu");
    cpu.setAttribute("mode", platform.cpuMode());
    if (platform.cpuModel() != null) {
      cpu.setAttribute("match", "exact");
      cpu.setAttribute("check", "none");
      LibvirtXml.child(cpu, "model", platform.cpuModel()).setAttribute("fallback", "allow");
    }
    LibvirtXml.child(domain, "clock").setAttribute("offset", "utc");
    LibvirtXml.child(domain, "on_poweroff", "destroy");
    LibvirtXml.child(domain, "on_reboot", "restart");
    LibvirtXml.child(domain, "on_crash", "destroy");
    Element devices = LibvirtXml.child(domain, "devices");
    Element scsi = LibvirtXml.child(devices, "controller");
    scsi.setAttribute("type", "scsi");
    scsi.setAttribute("index", "0");
    scsi.setAttribute("model", "virtio-scsi");
    String pool = plan.host().pool();
    // The root disk boots, whatever else is attached: firmware tries devices by this order, not by bus.
    LibvirtXml.child(disk(devices, pool, id.volumeName(VolumeRole.ROOT), VolumeRole.ROOT, "qcow2"), "boot")
        .setAttribute("order", "1");
    for (MachinePlan.DataVolume v : plan.dataVolumes()) {
      disk(devices, pool, id.volumeName(v.role()), v.role(), "qcow2");
    }
    Element seed = LibvirtXml.child(devices, "disk");
    seed.setAttribute("type", "volume");
    seed.setAttribute("device", "cdrom");
    driver(seed, "raw");
    source(seed, pool, id.volumeName(VolumeRole.SEED));
    target(seed, VolumeRole.SEED.targetDev(), "scsi");
    LibvirtXml.child(seed, "readonly");
    for (MachinePlan.SharedDirectory s : plan.sharedDirectories()) {
      Element fs = LibvirtXml.child(devices, "filesystem");
      fs.setAttribute("type", "mount");
      fs.setAttribute("accessmode", "mapped");
      LibvirtXml.child(fs, "source").setAttribute("dir", s.hostPath());
      LibvirtXml.child(fs, "target").setAttribute("dir", s.tag());
      if (s.readOnly()) {
        LibvirtXml.child(fs, "readonly");
      }
    }
    Element nic = LibvirtXml.child(devices, "interface");
    nic.setAttribute("type", "network");
    LibvirtXml.child(nic, "mac").setAttribute("address", id.macAddress());
    LibvirtXml.child(nic, "source").setAttribute("network", plan.host().network());
    LibvirtXml.child(nic, "model").setAttribute("type", "virtio");
    Element serial = LibvirtXml.child(devices, "serial");
    serial.setAttribute("type", "pty");
    LibvirtXml.child(serial, "target").setAttribute("port", "0");
    if (consoleLog != null) {
      // Boot messages and cloud-init's output, kept for diagnosis after a failed boot; truncated on each start.
      Element log = LibvirtXml.child(serial, "log");
      log.setAttribute("file", consoleLog);
      log.setAttribute("append", "off");
    }
    Element console = LibvirtXml.child(devices, "console");
    console.setAttribute("type", "pty");
    Element consoleTarget = LibvirtXml.child(console, "target");
    consoleTarget.setAttribute("type", "serial");
    consoleTarget.setAttribute("port", "0");
    Element channel = LibvirtXml.child(devices, "channel");
    channel.setAttribute("type", "unix");
    Element channelTarget = LibvirtXml.child(channel, "target");
    channelTarget.setAttribute("type", "virtio");
    channelTarget.setAttribute("name", "org.qemu.guest_agent.0");
    Element rng = LibvirtXml.child(devices, "rng");
    rng.setAttribute("model", "virtio");
    LibvirtXml.child(rng, "backend", "/dev/urandom").setAttribute("model", "random");
    return LibvirtXml.serialize(doc);
  }

  /** {@value #SHARES_PER_VCPU} per vCPU, at most {@value #MAX_SHARES}. */
  static int shares(int cpus) {
    return Math.min(cpus * SHARES_PER_VCPU, MAX_SHARES);
  }

  private static Element disk(Element devices, String pool, String volume, VolumeRole role, String format) {
    Element disk = LibvirtXml.child(devices, "disk");
    disk.setAttribute("type", "volume");
    disk.setAttribute("device", "disk");
    driver(disk, format);
    source(disk, pool, volume);
    target(disk, role.targetDev(), "virtio");
    LibvirtXml.child(disk, "serial", role.serial());
    return disk;
  }

  private static void driver(Element disk, String format) {
    Element driver = LibvirtXml.child(disk, "driver");
    driver.setAttribute("name", "qemu");
    driver.setAttribute("type", format);
  }

  private static void source(Element disk, String pool, String volume) {
    Element source = LibvirtXml.child(disk, "source");
    source.setAttribute("pool", pool);
    source.setAttribute("volume", volume);
  }

  private static void target(Element disk, String dev, String bus) {
    Element target = LibvirtXml.child(disk, "target");
    target.setAttribute("dev", dev);
    target.setAttribute("bus", bus);
  }
}
