package io.capkit.provider.libvirt;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The only way the reconcilers see libvirt: one connection to one host. Every call either succeeds or throws
 * {@link LibvirtCallException}; lookups return empty instead of throwing when the object does not exist.
 */
public interface LibvirtBackend extends AutoCloseable {

  /** The connection URI, e.g. {@code qemu:///system} or {@code test:///default}. */
  String uri();

  /** Whether the connection still answers. */
  boolean alive();

  /** What the host offers for x86_64 guests (host capabilities), read once per connection. */
  HostCapabilities capabilities();

  /**
   * The directory of a pool whose volumes are files (pool types dir, fs, netfs), where a domain's console log can be
   * written so that it is a volume of the pool; empty for other pool types.
   */
  Optional<String> poolDirectory(String pool);

  Optional<VolumeInfo> findVolume(String pool, String name);

  /** Names of the volumes in a pool, sorted. */
  List<String> listVolumes(String pool);

  /** Creates a volume; throws {@link LibvirtCallException.Kind#ALREADY_EXISTS} when the name is taken. */
  VolumeInfo createVolume(String pool, VolumeSpec spec);

  /**
   * Writes bytes into a volume from offset 0. Returns false when the driver has no upload stream (the libvirt test
   * driver), so callers can treat content upload as optional.
   */
  boolean uploadVolume(String pool, String name, byte[] content);

  /** Deletes a volume; returns false when it did not exist. */
  boolean deleteVolume(String pool, String name);

  Optional<DomainSummary> findDomain(UUID uuid);

  Optional<DomainSummary> findDomainByName(String name);

  /** Names of all defined domains (running or not), sorted. */
  List<String> listDomains();

  /** Defines (persists) a domain from its XML; does not start it. */
  DomainSummary defineDomain(String xml);

  /** The live XML of a domain. */
  String domainXml(UUID uuid);

  void startDomain(UUID uuid);

  /** Asks the guest to shut down (ACPI). */
  void shutdownDomain(UUID uuid);

  /** Powers the domain off at once. */
  void destroyDomain(UUID uuid);

  /** Removes the definition; the domain must not be running. */
  void undefineDomain(UUID uuid);

  /** Addresses of the domain's interfaces from the DHCP leases, the guest agent when leases are unsupported. */
  List<InterfaceAddress> interfaceAddresses(UUID uuid);

  @Override
  void close();
}
