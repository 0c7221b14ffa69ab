package io.capkit.provider.machine;

import io.capkit.provider.libvirt.DomainSummary;
import io.capkit.provider.libvirt.GuestPlatform;
import io.capkit.provider.libvirt.InterfaceAddress;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtCallException;
import io.capkit.provider.libvirt.VolumeInfo;
import io.capkit.provider.libvirt.VolumeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The libvirt side of one machine, as an idempotent list of steps: volumes, seed, domain, running, addresses. Each
 * step first reads what exists under the machine's deterministic names and only creates what is missing, so running
 * the list again after a crash at any point converges without duplicates or leaks.
 */
public final class MachineProvisioner {
  private final LibvirtBackend backend;

  public MachineProvisioner(LibvirtBackend backend) {
    this.backend = backend;
  }

  /**
   * What a run found or made. {@code created} names the objects this run created (for events); {@code platform} is
   * how the host runs the domain (KVM or TCG, and why).
   */
  public record Result(DomainSummary domain, List<InterfaceAddress> addresses, boolean seedUploaded,
      List<String> created, GuestPlatform platform) {}

  /** What a removal did; {@code poolFound} false: the storage pool is gone, and the machine's volumes with it. */
  public record Removal(boolean domainRemoved, List<String> volumesRemoved, boolean poolFound) {}

  /** libvirt's code for a storage pool that does not exist. */
  static final String NO_STORAGE_POOL = "VIR_ERR_NO_STORAGE_POOL";

  public Result ensure(MachinePlan plan, SeedDocuments seed) {
    return ensure(plan, () -> seed);
  }

  /**
   * {@code seed} is asked for only when the domain is not defined yet, before anything is created: a settled machine
   * needs no bootstrap data (the reconciler's supplier reads the bootstrap Secret, and may throw to say it must wait).
   */
  public Result ensure(MachinePlan plan, Supplier<SeedDocuments> seedSource) {
    MachineIdentity id = plan.identity();
    String pool = plan.host().pool();
    List<String> created = new ArrayList<>();
    Optional<DomainSummary> domain = step(MachineStep.VOLUMES, () -> backend.findDomain(id.uuid()));
    SeedDocuments seed = domain.isPresent() ? null : seedSource.get();

    // A defined domain means its volumes and seed were made before it (the steps run in this order), so a settled
    // machine costs a domain lookup, not a lookup per volume.
    step(MachineStep.VOLUMES, () -> {
      if (domain.isPresent()) {
        return null;
      }
      ensureRootVolume(plan, created);
      for (MachinePlan.DataVolume v : plan.dataVolumes()) {
        String name = id.volumeName(v.role());
        if (backend.findVolume(pool, name).isEmpty()) {
          backend.createVolume(pool, VolumeSpec.empty(name, v.bytes(), "qcow2"));
          created.add(name);
        }
      }
      return null;
    });

    boolean uploaded = step(MachineStep.SEED, () -> {
      if (domain.isPresent()) {
        return false;
      }
      String name = id.volumeName(VolumeRole.SEED);
      boolean exists = backend.findVolume(pool, name).isPresent();
      byte[] iso = seed.iso();
      if (!exists) {
        backend.createVolume(pool, VolumeSpec.empty(name, iso.length, "raw"));
        created.add(name);
      }
      // Upload again when the domain is not defined yet: an earlier run may have died between create and upload.
      return backend.uploadVolume(pool, name, iso);
    });

    GuestPlatform platform = step(MachineStep.DOMAIN, () -> backend.capabilities().platform());
    DomainSummary defined = step(MachineStep.DOMAIN, () -> {
      if (domain.isPresent()) {
        return domain.get();
      }
      Optional<DomainSummary> sameName = backend.findDomainByName(id.domainName());
      if (sameName.isPresent()) {
        throw new StepFailure(MachineStep.DOMAIN, "DomainNameTaken", "a domain named " + id.domainName()
            + " exists on host " + plan.host().name() + " with UUID " + sameName.get().uuid() + ", not "
            + id.uuid(), null);
      }
      String consoleLog = backend.poolDirectory(pool).map(dir -> dir + "/" + id.volumeName(VolumeRole.CONSOLE))
          .orElse(null);
      DomainSummary d = backend.defineDomain(DomainXml.of(plan, platform, consoleLog));
      created.add(id.domainName());
      return d;
    });

    DomainSummary running = step(MachineStep.RUNNING, () -> {
      if (defined.active()) {
        return defined;
      }
      backend.startDomain(id.uuid());
      return new DomainSummary(defined.name(), defined.uuid(), true);
    });

    List<InterfaceAddress> addresses = step(MachineStep.RUNNING, () -> {
      try {
        return backend.interfaceAddresses(id.uuid());
      } catch (LibvirtCallException e) {
        if (e.kind() == LibvirtCallException.Kind.UNSUPPORTED) {
          return List.of();
        }
        throw e;
      }
    });
    return new Result(running, addresses, uploaded, List.copyOf(created), platform);
  }

  private void ensureRootVolume(MachinePlan plan, List<String> created) {
    MachineIdentity id = plan.identity();
    String pool = plan.host().pool();
    String name = id.volumeName(VolumeRole.ROOT);
    if (backend.findVolume(pool, name).isPresent()) {
      return;
    }
    MachinePlan.BaseImageRef image = plan.image();
    VolumeInfo base = backend.findVolume(image.pool(), image.volume()).orElseThrow(() -> new StepFailure(
        MachineStep.VOLUMES, "BaseImageNotFound", "base image volume " + image.pool() + "/" + image.volume()
            + " does not exist on host " + plan.host().name(), null));
    long capacity = plan.rootBytes() == null ? base.capacityBytes() : plan.rootBytes();
    if (capacity < base.capacityBytes()) {
      throw new StepFailure(MachineStep.VOLUMES, "RootVolumeTooSmall", "spec.volumes.rootSizeGB: "
          + capacity / MachinePlanner.GIB + " GiB is smaller than the base image (" + base.capacityBytes() + " bytes)",
          null);
    }
    backend.createVolume(pool, new VolumeSpec(name, capacity, "qcow2", base.path(), "qcow2"));
    created.add(name);
  }

  /**
   * Removes the domain and every volume the machine may own. Safe to repeat: what is already gone is skipped, and a
   * domain, volume or storage pool that no longer exists is not an error.
   */
  public Removal remove(MachineIdentity id, String pool) {
    boolean domainRemoved = step(MachineStep.DOMAIN, () -> {
      Optional<DomainSummary> d = backend.findDomain(id.uuid());
      if (d.isEmpty()) {
        return false;
      }
      if (d.get().active()) {
        try {
          backend.destroyDomain(id.uuid());
        } catch (LibvirtCallException e) {
          // It may have stopped between the lookup and the destroy; undefine below decides.
          if (e.kind() != LibvirtCallException.Kind.OPERATION_FAILED && e.kind() != LibvirtCallException.Kind.NOT_FOUND) {
            throw e;
          }
        }
      }
      try {
        backend.undefineDomain(id.uuid());
      } catch (LibvirtCallException e) {
        if (e.kind() != LibvirtCallException.Kind.NOT_FOUND) {
          throw e;
        }
      }
      return true;
    });
    Optional<List<String>> removed = step(MachineStep.VOLUMES, () -> {
      try {
        // Listing refreshes the pool, so files libvirt did not create (the console log) are volumes to delete too.
        List<String> present = backend.listVolumes(pool);
        List<String> out = new ArrayList<>();
        for (String name : id.allVolumeNames()) {
          if (present.contains(name) && backend.deleteVolume(pool, name)) {
            out.add(name);
          }
        }
        return Optional.of(List.copyOf(out));
      } catch (LibvirtCallException e) {
        if (NO_STORAGE_POOL.equals(e.code())) {
          return Optional.<List<String>>empty();
        }
        throw e;
      }
    });
    return new Removal(domainRemoved, removed.orElse(List.of()), removed.isPresent());
  }

  private interface StepBody<T> {
    T run();
  }

  private static <T> T step(MachineStep step, StepBody<T> body) {
    try {
      return body.run();
    } catch (LibvirtCallException e) {
      throw StepFailure.of(step, e);
    }
  }
}
