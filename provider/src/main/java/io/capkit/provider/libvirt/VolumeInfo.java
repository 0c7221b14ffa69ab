package io.capkit.provider.libvirt;

/** A volume as libvirt reports it. */
public record VolumeInfo(String pool, String name, String path, long capacityBytes) {}
