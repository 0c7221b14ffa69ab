package io.capkit.provider.runtime;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed provider settings. {@code libvirtUri} is the host used when a KVMCluster lists no hosts (host name
 * {@value #DEFAULT_HOST}) and the default URI of hosts that name none.
 */
public record ProviderConfig(
    String libvirtUri,
    String storagePool,
    String network,
    String bindAddress,
    int httpPort,
    Set<String> namespaces,
    boolean leaderElection,
    String leaseNamespace,
    int reconcileThreads,
    java.nio.file.Path testDriverDir) {

  public static final String DEFAULT_HOST = "default";
  public static final String DEFAULT_URI = "test:///default";

  public ProviderConfig {
    namespaces = Set.copyOf(namespaces);
  }

  /** Without test-driver node files as hosts (only test:///default). */
  public ProviderConfig(String libvirtUri, String storagePool, String network, String bindAddress, int httpPort,
      Set<String> namespaces, boolean leaderElection, String leaseNamespace, int reconcileThreads) {
    this(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection, leaseNamespace,
        reconcileThreads, null);
  }

  /**
   * Lets KVMHosts name libvirt test-driver node files ({@code test:///<file>}) below {@code dir}: for benchmarks and
   * tests that need several separate test hosts in one provider. The admission webhook never allows them.
   */
  public ProviderConfig withTestDriverDir(java.nio.file.Path dir) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection,
        leaseNamespace, reconcileThreads, dir);
  }

  /** Embedded test driver, pool and network "default", HTTP on 8080, all namespaces, no leader election. */
  public static ProviderConfig defaults() {
    return new ProviderConfig(DEFAULT_URI, "default", "default", "0.0.0.0", 8080, Set.of(), false, null, 50);
  }

  public ProviderConfig withLibvirtUri(String uri) {
    return new ProviderConfig(uri, storagePool, network, bindAddress, httpPort, namespaces, leaderElection,
        leaseNamespace, reconcileThreads, testDriverDir);
  }

  public ProviderConfig withHttp(String address, int port) {
    return new ProviderConfig(libvirtUri, storagePool, network, address, port, namespaces, leaderElection,
        leaseNamespace, reconcileThreads, testDriverDir);
  }

  public ProviderConfig withLeaderElection(String leaseNs) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, namespaces, true, leaseNs,
        reconcileThreads, testDriverDir);
  }

  public ProviderConfig withNamespaces(Set<String> ns) {
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, ns, leaderElection,
        leaseNamespace, reconcileThreads, testDriverDir);
  }

  /**
   * Reads {@code --libvirt-uri URI --storage-pool P --network N --bind-address A --http-port N --namespace NS
   * (repeatable) --leader-elect --lease-namespace NS --reconcile-threads N}, also as {@code --flag=value}; every bad
   * flag is a {@link Problem}.
   */
  public static ProviderConfig fromArgs(List<String> args) {
    ProviderConfig c = defaults();
    String uri = c.libvirtUri;
    String pool = c.storagePool;
    String net = c.network;
    String bind = c.bindAddress;
    int port = c.httpPort;
    Set<String> ns = new TreeSet<>();
    boolean leader = false;
    String leaseNs = null;
    int threads = c.reconcileThreads;
    java.nio.file.Path testDir = null;
    List<Problem> problems = new ArrayList<>();
    List<String> split = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        split.add(a.substring(0, eq));
        split.add(a.substring(eq + 1));
      } else {
        split.add(a);
      }
    }
    args = split;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (flag.equals("--leader-elect")) {
        leader = true;
        continue;
      }
      if (i + 1 >= args.size()) {
        problems.add(Problem.at(flag, "needs a value"));
        break;
      }
      String v = args.get(++i);
      switch (flag) {
        case "--libvirt-uri" -> uri = v;
        case "--storage-pool" -> pool = v;
        case "--network" -> net = v;
        case "--bind-address" -> bind = v;
        case "--http-port" -> port = number(flag, v, 0, 65535, problems);
        case "--namespace" -> ns.add(v);
        case "--lease-namespace" -> leaseNs = v;
        case "--reconcile-threads" -> threads = number(flag, v, 1, 1000, problems);
        case "--test-driver-dir" -> {
          if (v.startsWith("/")) {
            testDir = java.nio.file.Path.of(v).normalize();
          } else {
            problems.add(Problem.at(flag, "\"" + v + "\" is not an absolute directory"));
          }
        }
        default -> problems.add(Problem.at(flag, "is not a provider flag"));
      }
    }
    if (!uri.contains(":/")) {
      problems.add(Problem.at("--libvirt-uri", "\"" + uri + "\" is not a libvirt URI (e.g. qemu:///system)"));
    }
    InvalidInputException.throwIfAny(problems);
    return new ProviderConfig(uri, pool, net, bind, port, ns, leader, leaseNs, threads, testDir);
  }

  private static int number(String flag, String v, int min, int max, List<Problem> problems) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(Problem.at(flag, String.format(Locale.ROOT, "\"%s\" is not a number from %d to %d", v, min, max)));
    return min;
  }
}
