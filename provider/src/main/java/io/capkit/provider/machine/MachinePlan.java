package io.capkit.provider.machine;

import java.util.List;
import java.util.Optional;

/**
 * Everything the provider creates for one machine, validated: sizes in bytes, the base image, the data volumes and
 * the guest settings that go into the seed. Built by {@link MachinePlanner}; pure data.
 */
public record MachinePlan(
    MachineIdentity identity,
    HostTarget host,
    boolean controlPlane,
    int cpus,
    long memoryMiB,
    BaseImageRef image,
    Long rootBytes,
    List<DataVolume> dataVolumes,
    List<String> dnsServers,
    List<String> ntpServers,
    String iscsiInitiatorName,
    List<SharedDirectory> sharedDirectories) {

  /** The base image the root volume is layered on. */
  public record BaseImageRef(String pool, String volume) {}

  /** An extra disk, formatted and mounted by the guest at its role's mount path. */
  public record DataVolume(VolumeRole role, long bytes) {}

  /** A host directory passed to the guest (9p) and mounted at {@code mountPath}; read-only unless the host allows. */
  public record SharedDirectory(String tag, String hostPath, String mountPath, boolean readOnly) {}

  public MachinePlan {
    dataVolumes = List.copyOf(dataVolumes);
    dnsServers = List.copyOf(dnsServers);
    ntpServers = List.copyOf(ntpServers);
    sharedDirectories = List.copyOf(sharedDirectories);
  }

  public String hostname() {
    return identity.name();
  }

  public Optional<String> iscsi() {
    return Optional.ofNullable(iscsiInitiatorName);
  }
}
