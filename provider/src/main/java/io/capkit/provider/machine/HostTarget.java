package io.capkit.provider.machine;

/** One KVM host as the provider uses it: failure-domain name, libvirt URI, storage pool and network. */
public record HostTarget(String name, String uri, boolean controlPlane, String pool, String network) {}
