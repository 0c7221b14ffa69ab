package io.capkit.provider.libvirt;

/**
 * How a host runs the provider's guests: accelerator (domain type kvm, or qemu for TCG), machine type and CPU mode
 * (with a model for mode custom), and a one-line reason for events, status and logs.
 */
public record GuestPlatform(Accelerator accelerator, String machine, String cpuMode, String cpuModel,
    String reason) {

  public enum Accelerator { KVM, TCG }

  /** The domain XML's {@code type} attribute. */
  public String domainType() {
    return accelerator == Accelerator.KVM ? "kvm" : "qemu";
  }

  /** E.g. {@code domain type qemu, machine q35, CPU maximum (TCG software emulation: ...)}. */
  public String summary() {
    return "domain type " + domainType() + ", machine " + machine + ", CPU " + cpuMode
        + (cpuModel == null ? "" : " " + cpuModel) + " (" + reason + ")";
  }
}
