package io.capkit.provider.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Accelerator, machine and CPU chosen from host capabilities as libvirt reports them. */
class HostCapabilitiesTest {
  private static final long LIBVIRT_9 = 9_000_000L;

  /** A capabilities document with the given host CPU vendor and features and x86_64 domain types. */
  static String caps(String vendor, String features, String domains, String machines) {
    return """
        <capabilities>
          <host>
            <cpu><arch>x86_64</arch><model>Broadwell-noTSX-IBRS</model><vendor>%s</vendor>%s</cpu>
          </host>
          <guest>
            <os_type>hvm</os_type>
            <arch name='i686'><domain type='qemu'/><domain type='kvm'/><machine>q35</machine></arch>
          </guest>
          <guest>
            <os_type>hvm</os_type>
            <arch name='x86_64'><wordsize>64</wordsize>%s%s</arch>
          </guest>
        </capabilities>
        """.formatted(vendor, features, machines, domains);
  }

  static final String QEMU_AND_KVM = "<domain type='qemu'/><domain type='kvm'/>";
  static final String Q35 = "<machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine><machine>pc</machine>";

  @Test
  void softwareKvmUnderAHypervisorWithoutVmxIsTcg() {
    // This test machine: /dev/kvm exists (libvirt offers kvm), the CPU runs under a hypervisor and has no vmx.
    HostCapabilities c = HostCapabilities.parse(caps("Intel", "<feature name='hypervisor'/><feature name='avx2'/>",
        QEMU_AND_KVM, Q35), LIBVIRT_9);
    GuestPlatform p = c.platform();
    assertEquals(GuestPlatform.Accelerator.TCG, p.accelerator());
    assertEquals("qemu", p.domainType());
    assertEquals("maximum", p.cpuMode());
    assertEquals("q35", p.machine());
    assertTrue(p.reason().contains("without vmx/svm"), p.reason());
  }

  @Test
  void bareMetalOrNestedWithVmxOrAmdIsKvm() {
    assertEquals(GuestPlatform.Accelerator.KVM, HostCapabilities.parse(
        caps("Intel", "<feature name='avx2'/>", QEMU_AND_KVM, Q35), LIBVIRT_9).platform().accelerator());
    GuestPlatform nested = HostCapabilities.parse(caps("Intel", "<feature name='hypervisor'/><feature name='vmx'/>",
        QEMU_AND_KVM, Q35), LIBVIRT_9).platform();
    assertEquals(GuestPlatform.Accelerator.KVM, nested.accelerator());
    assertEquals("host-passthrough", nested.cpuMode());
    assertEquals("KVM (nested: the host CPU passes vmx through)", nested.reason());
    assertEquals(GuestPlatform.Accelerator.KVM, HostCapabilities.parse(
        caps("AMD", "<feature name='hypervisor'/>", QEMU_AND_KVM, Q35), LIBVIRT_9).platform().accelerator());
  }

  @Test
  void noKvmDomainTypeIsTcgAndOldLibvirtGetsQemu64() {
    GuestPlatform p = HostCapabilities.parse(caps("Intel", "", "<domain type='qemu'/>", "<machine>pc</machine>"),
        7_000_000L).platform();
    assertEquals(GuestPlatform.Accelerator.TCG, p.accelerator());
    assertEquals("custom", p.cpuMode());
    assertEquals("qemu64", p.cpuModel());
    assertEquals("pc", p.machine(), "no q35 offered");
    assertTrue(p.reason().contains("no kvm domain type"), p.reason());
    assertEquals("domain type qemu, machine pc, CPU custom qemu64 (" + p.reason() + ")", p.summary());
  }

  @Test
  void onlyTheX8664GuestCounts() {
    // i686 offers kvm in the document above; x86_64 offers only qemu.
    HostCapabilities c = HostCapabilities.parse(caps("Intel", "", "<domain type='qemu'/>", Q35), LIBVIRT_9);
    assertEquals(java.util.Set.of("qemu"), c.domainTypes());
    assertEquals(java.util.Set.of("q35", "pc"), c.machines());
  }
}
