package io.capkit.provider.libvirt;

import java.util.UUID;

/** A domain as libvirt reports it. */
public record DomainSummary(String name, UUID uuid, boolean active) {}
