package io.capkit.provider.libvirt;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link LibvirtBackend} decorator that fails on purpose: at the N-th call (1-based) it throws the given error
 * instead of calling through, optionally only for operations matching a filter. With {@link #crash()} the error is
 * not a libvirt error at all, which stands for the provider process dying at that point.
 */
public final class FaultInjectingBackend implements LibvirtBackend {
  /** Stands for the provider being killed: nothing after it runs. */
  public static final class Crash extends RuntimeException {
    public Crash(String operation) {
      super("killed before " + operation);
    }
  }

  private final LibvirtBackend delegate;
  private final int failAt;
  private final Predicate<String> operations;
  private final java.util.function.Function<String, RuntimeException> error;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile boolean down;
  private volatile boolean killed;
  private final boolean staysDead;

  public FaultInjectingBackend(LibvirtBackend delegate, int failAt, Predicate<String> operations,
      java.util.function.Function<String, RuntimeException> error) {
    this(delegate, failAt, operations, error, false);
  }

  private FaultInjectingBackend(LibvirtBackend delegate, int failAt, Predicate<String> operations,
      java.util.function.Function<String, RuntimeException> error, boolean staysDead) {
    this.staysDead = staysDead;
    this.delegate = delegate;
    this.failAt = failAt;
    this.operations = operations;
    this.error = error;
  }

  /** Kills the "process" at the N-th call of any operation. */
  public static FaultInjectingBackend crashAt(LibvirtBackend delegate, int n) {
    return new FaultInjectingBackend(delegate, n, op -> true, Crash::new);
  }

  /**
   * Kills the "process" at the first call of one operation; every later call fails the same way, so nothing the dead
   * process still has scheduled can touch libvirt.
   */
  public static FaultInjectingBackend killedAt(LibvirtBackend delegate, String operation) {
    return new FaultInjectingBackend(delegate, 1, operation::equals, Crash::new, true);
  }

  /** Whether {@link #killedAt} has fired. */
  public boolean killed() {
    return killed;
  }

  /** Counts calls and never fails. */
  public static FaultInjectingBackend counting(LibvirtBackend delegate) {
    return new FaultInjectingBackend(delegate, Integer.MAX_VALUE, op -> true, Crash::new);
  }

  /** Fails the first call of one operation with a libvirt error of the given kind. */
  public static FaultInjectingBackend failing(LibvirtBackend delegate, String operation, LibvirtCallException.Kind kind) {
    return new FaultInjectingBackend(delegate, 1, operation::equals,
        op -> new LibvirtCallException(kind, op, "injected", "VIR_ERR_INJECTED", null));
  }

  /** From now on every call fails as if the host had gone away. */
  public void hostGone() {
    down = true;
  }

  public void hostBack() {
    down = false;
  }

  public int calls() {
    return calls.get();
  }

  private <T> T call(String operation, Supplier<T> body) {
    if (killed) {
      throw new Crash(operation);
    }
    if (down) {
      throw new LibvirtCallException(LibvirtCallException.Kind.UNREACHABLE, operation, delegate.uri(), "VIR_ERR_RPC",
          "injected: host unreachable");
    }
    if (operations.test(operation) && calls.incrementAndGet() == failAt) {
      killed = staysDead;
      throw error.apply(operation);
    }
    return body.get();
  }

  private void run(String operation, Runnable body) {
    call(operation, () -> {
      body.run();
      return null;
    });
  }

  @Override
  public String uri() {
    return delegate.uri();
  }

  @Override
  public boolean alive() {
    return !down && delegate.alive();
  }

  @Override
  public HostCapabilities capabilities() {
    return call("capabilities", delegate::capabilities);
  }

  @Override
  public Optional<String> poolDirectory(String pool) {
    return call("poolDirectory", () -> delegate.poolDirectory(pool));
  }

  @Override
  public Optional<VolumeInfo> findVolume(String pool, String name) {
    return call("findVolume", () -> delegate.findVolume(pool, name));
  }

  @Override
  public List<String> listVolumes(String pool) {
    return call("listVolumes", () -> delegate.listVolumes(pool));
  }

  @Override
  public VolumeInfo createVolume(String pool, VolumeSpec spec) {
    return call("createVolume", () -> delegate.createVolume(pool, spec));
  }

  @Override
  public boolean uploadVolume(String pool, String name, byte[] content) {
    return call("uploadVolume", () -> delegate.uploadVolume(pool, name, content));
  }

  @Override
  public boolean deleteVolume(String pool, String name) {
    return call("deleteVolume", () -> delegate.deleteVolume(pool, name));
  }

  @Override
  public Optional<DomainSummary> findDomain(UUID uuid) {
    return call("findDomain", () -> delegate.findDomain(uuid));
  }

  @Override
  public Optional<DomainSummary> findDomainByName(String name) {
    return call("findDomainByName", () -> delegate.findDomainByName(name));
  }

  @Override
  public List<String> listDomains() {
    return call("listDomains", delegate::listDomains);
  }

  @Override
  public DomainSummary defineDomain(String xml) {
    return call("defineDomain", () -> delegate.defineDomain(xml));
  }

  @Override
  public String domainXml(UUID uuid) {
    return call("domainXml", () -> delegate.domainXml(uuid));
  }

  @Override
  public void startDomain(UUID uuid) {
    run("startDomain", () -> delegate.startDomain(uuid));
  }

  @Override
  public void shutdownDomain(UUID uuid) {
    run("shutdownDomain", () -> delegate.shutdownDomain(uuid));
  }

  @Override
  public void destroyDomain(UUID uuid) {
    run("destroyDomain", () -> delegate.destroyDomain(uuid));
  }

  @Override
  public void undefineDomain(UUID uuid) {
    run("undefineDomain", () -> delegate.undefineDomain(uuid));
  }

  @Override
  public List<InterfaceAddress> interfaceAddresses(UUID uuid) {
    return call("interfaceAddresses", () -> delegate.interfaceAddresses(uuid));
  }

  @Override
  public void close() {
    delegate.close();
  }
}
