package io.capkit.provider.machine;

import io.capkit.provider.libvirt.LibvirtXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The libvirt domain XML of a machine, built as a DOM document from its {@link MachinePlan}. */
public final class DomainXml {
  /** XML namespace of the provider's domain metadata; lets an operator tell capkit domains from others. */
  public static final String METADATA_NS = "https://capkit.io/xmlns/kvmmachine/v1alpha1";

  private DomainXml() {}

  public static String of(MachinePlan plan) {
    Document doc = LibvirtXml.newDocument("domain");
    Element domain = doc.getDocumentElement();
    domain.setAttribute("type", "kvm");
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
    LibvirtXml.child(LibvirtXml.child(domain, "cputune"), "shares", Integer.toString(plan.cpus() * 1024));
    Element os = LibvirtXml.child(domain, "os");
    Element type = LibvirtXml.child(os, "type", "hvm");
    type.setAttribute("arch", "x86_64");
    type.setAttribute("machine", "q35");
    LibvirtXml.child(os, "boot").setAttribute("dev", "hd");
    Element features = LibvirtXml.child(domain, "features");
    LibvirtXml.child(features, "acpi");
    LibvirtXml.child(features, "apic");
    LibvirtXml.child(domain, "cpu").setAttribute("mode", "host-passthrough");
    LibvirtXml.child(domain, "clock").setAttribute("offset", "utc");
    LibvirtXml.child(domain, "on_poweroff", "destroy");
    LibvirtXml.child(domain, "on_reboot", "restart");
    LibvirtXml.child(domain, "on_crash", "destroy");
    Element devices = LibvirtXml.child(domain, "devices");
    String pool = plan.host().pool();
    disk(devices, pool, id.volumeName(VolumeRole.ROOT), VolumeRole.ROOT, "qcow2");
    for (MachinePlan.DataVolume v : plan.dataVolumes()) {
      disk(devices, pool, id.volumeName(v.role()), v.role(), "qcow2");
    }
    Element seed = LibvirtXml.child(devices, "disk");
    seed.setAttribute("type", "volume");
    seed.setAttribute("device", "cdrom");
    driver(seed, "raw");
    source(seed, pool, id.volumeName(VolumeRole.SEED));
    target(seed, VolumeRole.SEED.targetDev(), "sata");
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
    LibvirtXml.child(nic, "source").setAttribute("network", plan.host().network());
    LibvirtXml.child(nic, "model").setAttribute("type", "virtio");
    Element serial = LibvirtXml.child(devices, "serial");
    serial.setAttribute("type", "pty");
    LibvirtXml.child(serial, "target").setAttribute("port", "0");
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

  private static void disk(Element devices, String pool, String volume, VolumeRole role, String format) {
    Element disk = LibvirtXml.child(devices, "disk");
    disk.setAttribute("type", "volume");
    disk.setAttribute("device", "disk");
    driver(disk, format);
    source(disk, pool, volume);
    target(disk, role.targetDev(), "virtio");
    LibvirtXml.child(disk, "serial", role.serial());
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
