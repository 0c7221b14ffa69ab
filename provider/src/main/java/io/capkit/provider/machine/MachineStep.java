package io.capkit.provider.machine;

/** The provisioning steps of a machine, in order, each with the condition type that reports it. */
public enum MachineStep {
  VOLUMES("VolumesReady"),
  SEED("SeedReady"),
  DOMAIN("DomainDefined"),
  RUNNING("DomainRunning");

  private final String conditionType;

  MachineStep(String conditionType) {
    this.conditionType = conditionType;
  }

  public String conditionType() {
    return conditionType;
  }
}
