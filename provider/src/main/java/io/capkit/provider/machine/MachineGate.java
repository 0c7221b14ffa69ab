package io.capkit.provider.machine;

import java.util.Base64;
import java.util.Optional;

/**
 * Whether a KVMMachine can be provisioned now, from its {@link MachineFacts} alone (pure): paused, or waiting for
 * its owner Machine, the Cluster, the KVMCluster, the cluster infrastructure, or the bootstrap data.
 */
public final class MachineGate {
  private MachineGate() {}

  /** Why provisioning waits; {@code paused} waits are reported with the Paused condition. */
  public record Wait(String reason, String message, boolean paused) {}

  public static Optional<Wait> check(MachineFacts f) {
    return check(f, true);
  }

  /**
   * As {@link #check(MachineFacts)} but without the Secret's content, for facts gathered without reading the
   * bootstrap Secret (a provisioned machine): the Machine must still name one. Whoever then needs the bootstrap
   * data reads it and applies {@link #check(MachineFacts)}.
   */
  public static Optional<Wait> checkWithoutSecret(MachineFacts f) {
    return check(f, false);
  }

  private static Optional<Wait> check(MachineFacts f, boolean secretRead) {
    String ns = f.kvmMachine().getMetadata().getNamespace();
    if (CapiObjects.ownerName(f.kvmMachine(), "Machine").isEmpty()) {
      return wait("WaitingForOwner", "no Machine owns this KVMMachine yet");
    }
    if (f.machine() == null) {
      return wait("WaitingForMachine", "Machine " + ns + "/" + CapiObjects.ownerName(f.kvmMachine(), "Machine").get()
          + " not found");
    }
    if (f.cluster() == null) {
      return wait("WaitingForCluster", "Cluster " + ns + "/" + CapiObjects.string(f.machine(), "spec", "clusterName")
          + " not found");
    }
    if (CapiObjects.paused(f.cluster(), f.kvmMachine())) {
      return Optional.of(new Wait("Paused", "the Cluster or this KVMMachine is paused", true));
    }
    if (f.kvmCluster() == null) {
      return wait("WaitingForKVMCluster", "the Cluster's infrastructureRef "
          + CapiObjects.string(f.cluster(), "spec", "infrastructureRef", "name") + " is not a KVMCluster that exists");
    }
    if (!CapiObjects.isTrue(f.cluster(), "status", "initialization", "infrastructureProvisioned")) {
      return wait("WaitingForClusterInfrastructure", "the Cluster's infrastructure is not provisioned yet");
    }
    String secretName = CapiObjects.string(f.machine(), "spec", "bootstrap", "dataSecretName");
    if (secretName == null) {
      return wait("WaitingForBootstrapData", "Machine has no spec.bootstrap.dataSecretName yet");
    }
    if (!secretRead) {
      return Optional.empty();
    }
    if (f.bootstrap() == null) {
      return wait("WaitingForBootstrapData", "bootstrap Secret " + ns + "/" + secretName + " not found");
    }
    if (bootstrapData(f).isEmpty()) {
      return wait("WaitingForBootstrapData", "bootstrap Secret " + ns + "/" + secretName + " has no key \"value\"");
    }
    return Optional.empty();
  }

  /** The bootstrap data bytes (Secret key {@code value}). */
  public static Optional<byte[]> bootstrapData(MachineFacts f) {
    if (f.bootstrap() == null) {
      return Optional.empty();
    }
    if (f.bootstrap().getData() != null && f.bootstrap().getData().get("value") != null) {
      return Optional.of(Base64.getDecoder().decode(f.bootstrap().getData().get("value")));
    }
    if (f.bootstrap().getStringData() != null && f.bootstrap().getStringData().get("value") != null) {
      return Optional.of(f.bootstrap().getStringData().get("value").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  private static Optional<Wait> wait(String reason, String message) {
    return Optional.of(new Wait(reason, message, false));
  }
}
