package io.capkit.provider.libvirt;

import java.util.Set;
import java.util.TreeSet;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What one host offers for x86_64 guests, read from libvirt's host capabilities XML ({@code virsh capabilities}):
 * the domain types (kvm, qemu), the machine types, and the host CPU's vendor and features. {@link #platform()} turns
 * that into the accelerator, machine type and CPU model the provider's domains use on this host.
 */
public record HostCapabilities(Set<String> domainTypes, Set<String> machines, String cpuVendor,
    Set<String> cpuFeatures, long libvirtVersion) {
  static final String ARCH = "x86_64";
  /** libvirt 7.1.0, the first with {@code <cpu mode='maximum'>} (QEMU's {@code -cpu max}). */
  static final long MAXIMUM_CPU_MODE_SINCE = 7_001_000L;

  public HostCapabilities {
    domainTypes = Set.copyOf(domainTypes);
    machines = Set.copyOf(machines);
    cpuFeatures = Set.copyOf(cpuFeatures);
  }

  /** Parses {@code virConnectGetCapabilities} output; {@code libvirtVersion} as virConnectGetLibVersion gives it. */
  public static HostCapabilities parse(String xml, long libvirtVersion) {
    Document doc = LibvirtXml.parse(xml);
    Set<String> types = new TreeSet<>();
    Set<String> machines = new TreeSet<>();
    NodeList guests = doc.getElementsByTagName("guest");
    for (int g = 0; g < guests.getLength(); g++) {
      Element guest = (Element) guests.item(g);
      if (!"hvm".equals(text(guest, "os_type"))) {
        continue;
      }
      NodeList arches = guest.getElementsByTagName("arch");
      for (int a = 0; a < arches.getLength(); a++) {
        Element arch = (Element) arches.item(a);
        if (!ARCH.equals(arch.getAttribute("name"))) {
          continue;
        }
        NodeList domains = arch.getElementsByTagName("domain");
        for (int d = 0; d < domains.getLength(); d++) {
          types.add(((Element) domains.item(d)).getAttribute("type"));
        }
        NodeList ms = arch.getElementsByTagName("machine");
        for (int m = 0; m < ms.getLength(); m++) {
          machines.add(ms.item(m).getTextContent().trim());
        }
      }
    }
    String vendor = "";
    Set<String> features = new TreeSet<>();
    NodeList hosts = doc.getElementsByTagName("host");
    if (hosts.getLength() > 0) {
      NodeList cpus = ((Element) hosts.item(0)).getElementsByTagName("cpu");
      if (cpus.getLength() > 0) {
        Element cpu = (Element) cpus.item(0);
        vendor = text(cpu, "vendor");
        NodeList fs = cpu.getElementsByTagName("feature");
        for (int f = 0; f < fs.getLength(); f++) {
          String name = ((Element) fs.item(f)).getAttribute("name");
          if (!name.isEmpty()) {
            features.add(name);
          }
        }
      }
    }
    return new HostCapabilities(types, machines, vendor, features, libvirtVersion);
  }

  /**
   * The guest platform on this host. KVM only when libvirt offers it and the CPU can run it: a CPU that reports
   * running under a hypervisor needs vmx/svm passed through (nested virtualisation), else {@code /dev/kvm} is a
   * software variant under which guests hang; AMD models include svm in the model itself, so an AMD host is trusted.
   * Otherwise QEMU's software emulation (TCG, domain type qemu) when offered; a host with neither (libvirt's test
   * driver) gets the TCG description, which it accepts without running it.
   */
  public GuestPlatform platform() {
    boolean kvmOffered = domainTypes.contains("kvm");
    boolean nested = cpuFeatures.contains("hypervisor");
    boolean virtExtensions = cpuFeatures.contains("vmx") || cpuFeatures.contains("svm")
        || "AMD".equalsIgnoreCase(cpuVendor);
    String machine = machines.contains("q35") || machines.isEmpty() ? "q35" : "pc";
    if (kvmOffered && (!nested || virtExtensions)) {
      return new GuestPlatform(GuestPlatform.Accelerator.KVM, machine, "host-passthrough", null,
          nested ? "KVM (nested: the host CPU passes " + (cpuFeatures.contains("svm") ? "svm" : "vmx") + " through)"
              : "KVM");
    }
    String reason;
    if (kvmOffered) {
      reason = "TCG software emulation: libvirt offers kvm, but the host CPU runs under a hypervisor without vmx/svm,"
          + " so /dev/kvm cannot run guests";
    } else if (domainTypes.contains("qemu")) {
      reason = "TCG software emulation: libvirt offers no kvm domain type on this host (no usable /dev/kvm)";
    } else {
      reason = "no QEMU on this host (domain types " + (domainTypes.isEmpty() ? "none for x86_64" : domainTypes)
          + "): domains are described as for TCG";
    }
    if (libvirtVersion >= MAXIMUM_CPU_MODE_SINCE) {
      return new GuestPlatform(GuestPlatform.Accelerator.TCG, machine, "maximum", null, reason);
    }
    return new GuestPlatform(GuestPlatform.Accelerator.TCG, machine, "custom", "qemu64", reason);
  }

  private static String text(Element parent, String tag) {
    NodeList n = parent.getElementsByTagName(tag);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
  }
}
