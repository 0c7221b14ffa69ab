package io.capkit.provider.machine;

import io.capkit.provider.libvirt.LibvirtCallException;

/** A provisioning step that could not complete: the step, a CamelCase reason and a message safe for events. */
public class StepFailure extends RuntimeException {
  private final MachineStep step;
  private final String reason;

  public StepFailure(MachineStep step, String reason, String message, Throwable cause) {
    super(message, cause);
    this.step = step;
    this.reason = reason;
  }

  public static StepFailure of(MachineStep step, LibvirtCallException e) {
    return new StepFailure(step, e.reason(), e.getMessage(), e);
  }

  public MachineStep step() {
    return step;
  }

  public String reason() {
    return reason;
  }

  /** Whether the failure is the host not answering, rather than something about this machine. */
  public boolean unreachable() {
    return getCause() instanceof LibvirtCallException l && l.kind() == LibvirtCallException.Kind.UNREACHABLE;
  }
}
