package io.capkit.provider.libvirt;

/** One address on one interface of a domain. */
public record InterfaceAddress(String interfaceName, String macAddress, String address, int prefix) {}
