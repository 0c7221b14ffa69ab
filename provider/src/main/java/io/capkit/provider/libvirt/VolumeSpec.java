package io.capkit.provider.libvirt;

import java.util.Objects;

/**
 * A volume to create: name, capacity in bytes, format ({@code qcow2}, {@code raw}) and an optional backing volume
 * path (copy-on-write over a base image).
 */
public record VolumeSpec(String name, long capacityBytes, String format, String backingPath, String backingFormat) {
  public VolumeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacityBytes);
    }
  }

  public static VolumeSpec empty(String name, long capacityBytes, String format) {
    return new VolumeSpec(name, capacityBytes, format, null, null);
  }
}
