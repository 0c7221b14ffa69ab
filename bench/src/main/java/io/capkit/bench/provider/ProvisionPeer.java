package io.capkit.bench.provider;

import io.capkit.testsupport.EmbeddedApiServer;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@link ProvisionBench}'s two measurements as a peer for other benchmarks (bench/capi): the provider alone on N
 * KVMMachines created with their Machines and bootstrap Secrets as CAPI leaves them, and the same machines straight
 * through the libvirt bindings. The same code as bench/provider, so the figures compare with its section.
 */
public final class ProvisionPeer {
  private ProvisionPeer() {}

  /** The provider JVM's flags and reconcile threads in bench/provider: the Deployment's (manager.yaml). */
  public static final String JVM_FLAGS = ProvisionBench.DEPLOYMENT.javaToolOptions();
  public static final String MALLOC_ARENA_MAX = ProvisionBench.DEPLOYMENT.mallocArenaMax();
  public static final int RECONCILE_THREADS = ProvisionBench.DEPLOYMENT.reconcileThreads();

  /** What the provider-only run measured; CPU seconds over its window. */
  public record ProviderOnly(long millis, long createMillis, long reconciles, long peakRssKib,
      Map<String, Integer> perHost, double providerCpuSeconds, double apiServerCpuSeconds, double harnessCpuSeconds,
      Map<String, Long> writes, String namespace) {}

  public record Direct(long millis, double cpuSeconds) {}

  /**
   * bench/provider's run on {@code api} (which must hold the KVM and CAPI CRDs and no running CAPI controller):
   * KVMHosts host-0.., namespace {@value ProvisionBench#NAMESPACE}, a provider JVM of its own watching only that
   * namespace.
   */
  public static ProviderOnly provider(EmbeddedApiServer api, Path work, int machines, int hosts) throws Exception {
    java.nio.file.Files.createDirectories(work);
    ProvisionBench.ProviderRun r = ProvisionBench.runProvider(options(machines, hosts), api, work);
    return new ProviderOnly(r.millis(), r.createMillis(), r.reconciles(), r.peakRssKib(), r.perHost(),
        r.providerCpuSeconds(), r.apiServerCpuSeconds(), r.harnessCpuSeconds(), r.writes(), ProvisionBench.NAMESPACE);
  }

  /** The same machines created one after another through the libvirt bindings, no Kubernetes. */
  public static Direct direct(Path work, int machines, int hosts) throws Exception {
    java.nio.file.Files.createDirectories(work);
    ProvisionBench.DirectRun d = ProvisionBench.runDirect(options(machines, hosts), work);
    return new Direct(d.millis(), d.cpuSeconds());
  }

  private static ProvisionBench.Options options(int machines, int hosts) {
    return new ProvisionBench.Options(machines, hosts, null, RECONCILE_THREADS, JVM_FLAGS,
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(), null);
  }
}
