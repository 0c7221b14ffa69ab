package io.capkit.provider.machine;

import io.capkit.api.infra.Infra;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The libvirt names of one KVMMachine, derived only from its namespace and name, so a restarted provider finds
 * what an earlier run created: a name-based (version 5) domain UUID, the domain name and the volume names.
 */
public record MachineIdentity(String namespace, String name, UUID uuid, String domainName) {
  /** Namespace UUID of capkit machine UUIDs (version 5 of {@code capkit.io} in the DNS namespace). */
  static final UUID NAMESPACE = nameBased(UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "capkit.io");

  public MachineIdentity {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static MachineIdentity of(String namespace, String name) {
    // A namespace never holds a dot, so "<namespace>.<name>" cannot collide between two machines.
    return new MachineIdentity(namespace, name, nameBased(NAMESPACE, namespace + "/" + name), namespace + "." + name);
  }

  public String volumeName(VolumeRole role) {
    return domainName + "-" + role.suffix();
  }

  /** Every volume name this machine can own, whatever its spec says; deletion removes all that exist. */
  public List<String> allVolumeNames() {
    return java.util.Arrays.stream(VolumeRole.values()).map(this::volumeName).toList();
  }

  /**
   * The NIC's MAC address: QEMU's locally administered prefix 52:54:00 and the last three bytes of the UUID, so the
   * seed's network config can match the interface by MAC and the DHCP lease names the machine.
   */
  public String macAddress() {
    long low = uuid.getLeastSignificantBits();
    return String.format(java.util.Locale.ROOT, "52:54:00:%02x:%02x:%02x", (low >> 16) & 0xff, (low >> 8) & 0xff,
        low & 0xff);
  }

  /** {@code <host>/<uuid>}: the seed's meta-data instance-id, which kubelet's provider ID is rendered from. */
  public String instanceId(String host) {
    return host + "/" + uuid;
  }

  /** {@code kvm://<host>/<uuid>}. */
  public String providerId(String host) {
    return Infra.PROVIDER_ID_PREFIX + instanceId(host);
  }

  /** The host part of a providerID of this scheme, or null when it is not one. */
  public static String hostOf(String providerId) {
    if (providerId == null || !providerId.startsWith(Infra.PROVIDER_ID_PREFIX)) {
      return null;
    }
    String rest = providerId.substring(Infra.PROVIDER_ID_PREFIX.length());
    int slash = rest.lastIndexOf('/');
    return slash <= 0 ? null : rest.substring(0, slash);
  }

  /** RFC 4122 version 5 (SHA-1) name-based UUID. */
  static UUID nameBased(UUID namespace, String name) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      ByteBuffer ns = ByteBuffer.allocate(16);
      ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
      sha1.update(ns.array());
      sha1.update(name.getBytes(StandardCharsets.UTF_8));
      byte[] h = sha1.digest();
      h[6] = (byte) ((h[6] & 0x0f) | 0x50);
      h[8] = (byte) ((h[8] & 0x3f) | 0x80);
      ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
      return new UUID(b.getLong(), b.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by the JDK", e);
    }
  }
}
