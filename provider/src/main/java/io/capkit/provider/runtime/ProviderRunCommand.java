package io.capkit.provider.runtime;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code capkit provider run} and the container entry point {@link ProviderMain}: the provider's flags as picocli
 * options, turned into a {@link ProviderConfig}. Exit 1 with {@code --flag: problem} lines for invalid values, 2 for
 * usage errors (picocli).
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = ProviderRunCommand.Version.class,
    description = {"Reconcile KVMCluster and KVMMachine objects into libvirt domains (CAPI v1beta2 infrastructure "
        + "provider). Uses the in-cluster service account or $KUBECONFIG.",
        "Hosts are cluster-scoped KVMHost objects written by platform admins (docs/security.md); a KVMHost with "
            + "uri test:///default is the embedded test-driver host, which has pool 'default' with the default base "
            + "image and network 'default'."})
public final class ProviderRunCommand implements Callable<Integer> {
  @Option(names = "--libvirt-uri", paramLabel = "URI", defaultValue = ProviderConfig.DEFAULT_URI,
      description = "Default: ${DEFAULT-VALUE}. Unused: hosts are KVMHost objects.")
  String libvirtUri;

  @Option(names = "--storage-pool", paramLabel = "POOL", defaultValue = ProviderConfig.DEFAULT_POOL,
      description = "Unused: a KVMHost's storagePool is. Default: ${DEFAULT-VALUE}.")
  String storagePool;

  @Option(names = "--network", paramLabel = "NETWORK", defaultValue = ProviderConfig.DEFAULT_NETWORK,
      description = "Unused: a KVMHost's network is. Default: ${DEFAULT-VALUE}.")
  String network;

  @Option(names = "--bind-address", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
      description = "Address of the HTTP endpoints (/healthz, /readyz, /version, /metrics). Default: ${DEFAULT-VALUE}.")
  String bindAddress;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "Port of the HTTP endpoints, 0 for any free one. Default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(names = "--namespace", paramLabel = "NAMESPACE",
      description = "Watch only this namespace (repeatable). Default: all namespaces.")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--leader-elect", description = "Reconcile only while holding the lease capkit-kvm-provider.")
  boolean leaderElect;

  @Option(names = "--lease-namespace", paramLabel = "NAMESPACE",
      description = "Namespace of the leader-election lease (with --leader-elect).")
  String leaseNamespace;

  @Option(names = "--reconcile-threads", paramLabel = "N", defaultValue = "50",
      description = "Concurrent reconciles, i.e. concurrent libvirt work (1-1000). Default: ${DEFAULT-VALUE}.")
  int reconcileThreads;

  @Option(names = "--test-driver-dir", paramLabel = "DIR",
      description = "Also accept KVMHosts whose URI is a libvirt test-driver node file below this absolute directory "
          + "(benchmarks and tests; the admission webhook never accepts them).")
  Path testDriverDir;

  @Option(names = "--provider-namespace", paramLabel = "NAMESPACE",
      description = "The provider's own namespace, where KVMHosts' sshKeySecretRef Secrets live. Default: the "
          + "POD_NAMESPACE environment variable, else " + ProviderConfig.DEFAULT_PROVIDER_NAMESPACE + ".")
  String providerNamespace;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    return call(spec.commandLine().getErr());
  }

  /** The command, writing its problems to {@code err}; runs until the JVM stops, or returns 1 for invalid input. */
  public Integer call(PrintWriter err) throws InterruptedException {
    ProviderConfig config;
    try {
      config = config();
    } catch (InvalidInputException e) {
      e.problems().forEach(p -> err.println(p.format()));
      err.flush();
      return 1;
    }
    try {
      KvmProvider.run(config);
    } catch (Kubeconfig.Unreadable e) {
      err.println(e.getMessage());
      err.flush();
      return 1;
    }
    return 0;
  }

  /**
   * The command for {@code args} (the flags after {@code run}) read without picocli, when every argument is one of
   * {@link #QUICK_OPTIONS} with a plain value (or {@code --leader-elect}); null for anything else (help, version, an
   * unknown or repeated flag, a value picocli might read differently), which picocli then parses and reports as
   * before. Building picocli's command model loads about 170 classes the provider otherwise never needs, for the
   * lifetime of a long-running process; the values and defaults are the same ({@code ProviderRunCommandTest}).
   */
  public static ProviderRunCommand withoutPicocli(String... args) {
    ProviderRunCommand c = new ProviderRunCommand();
    c.libvirtUri = ProviderConfig.DEFAULT_URI;
    c.storagePool = ProviderConfig.DEFAULT_POOL;
    c.network = ProviderConfig.DEFAULT_NETWORK;
    c.bindAddress = "0.0.0.0";
    c.httpPort = 8080;
    c.reconcileThreads = 50;
    Set<String> seen = new TreeSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if ("--leader-elect".equals(arg) && seen.add(arg)) {
        c.leaderElect = true;
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq > 0 ? arg.substring(0, eq) : arg;
      if (!QUICK_OPTIONS.contains(name) || !seen.add(name) && !"--namespace".equals(name)) {
        return null;
      }
      String value = eq > 0 ? arg.substring(eq + 1) : ++i < args.length ? args[i] : null;
      if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
        return null;
      }
      try {
        switch (name) {
          case "--libvirt-uri" -> c.libvirtUri = value;
          case "--storage-pool" -> c.storagePool = value;
          case "--network" -> c.network = value;
          case "--bind-address" -> c.bindAddress = value;
          case "--http-port" -> c.httpPort = number(value);
          case "--namespace" -> c.namespaces.add(value);
          case "--lease-namespace" -> c.leaseNamespace = value;
          case "--reconcile-threads" -> c.reconcileThreads = number(value);
          case "--test-driver-dir" -> c.testDriverDir = Path.of(value);
          case "--provider-namespace" -> c.providerNamespace = value;
          default -> {
            return null;
          }
        }
      } catch (NumberFormatException | InvalidPathException e) {
        return null; // picocli says why, its own way
      }
    }
    return c;
  }

  /** The flags {@link #withoutPicocli} reads besides {@code --leader-elect}; any other argument goes to picocli. */
  static final Set<String> QUICK_OPTIONS = Set.of("--libvirt-uri", "--storage-pool", "--network", "--bind-address",
      "--http-port", "--namespace", "--lease-namespace", "--reconcile-threads", "--test-driver-dir",
      "--provider-namespace");

  /** Plain decimal digits only; anything else (signs, hex, spaces) is left to picocli's converter. */
  private static int number(String value) {
    if (value.length() > 9 || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw new NumberFormatException();
    }
    return Integer.parseInt(value);
  }

  /** The typed settings; every invalid value is a {@link Problem} named by its flag. */
  public ProviderConfig config() {
    List<Problem> problems = new ArrayList<>();
    if (!libvirtUri.contains(":/")) {
      problems.add(Problem.at("--libvirt-uri", "\"" + libvirtUri + "\" is not a libvirt URI (e.g. qemu:///system)"));
    }
    range("--http-port", httpPort, 0, 65535, problems);
    range("--reconcile-threads", reconcileThreads, 1, 1000, problems);
    if (testDriverDir != null && !testDriverDir.isAbsolute()) {
      problems.add(Problem.at("--test-driver-dir", "\"" + testDriverDir + "\" is not an absolute directory"));
    }
    String own = providerNamespace != null ? providerNamespace
        : System.getenv("POD_NAMESPACE") != null && !System.getenv("POD_NAMESPACE").isBlank()
            ? System.getenv("POD_NAMESPACE") : ProviderConfig.DEFAULT_PROVIDER_NAMESPACE;
    io.capkit.api.Names.checkLabel(own).ifPresent(m -> problems.add(Problem.at("--provider-namespace", m)));
    InvalidInputException.throwIfAny(problems);
    Set<String> ns = new TreeSet<>(namespaces);
    return new ProviderConfig(libvirtUri, storagePool, network, bindAddress, httpPort, ns, leaderElect,
        leaseNamespace, reconcileThreads, testDriverDir == null ? null : testDriverDir.normalize(), own);
  }

  private static void range(String flag, int v, int min, int max, List<Problem> problems) {
    if (v < min || v > max) {
      problems.add(Problem.at(flag, String.format(Locale.ROOT, "%d is not a number from %d to %d", v, min, max)));
    }
  }

  /** {@code --version}: the provider's version, as {@code /version} reports it. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"capkit-kvm-provider " + KvmProvider.VERSION};
    }
  }
}
