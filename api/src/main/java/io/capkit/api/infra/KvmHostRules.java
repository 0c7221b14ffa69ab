package io.capkit.api.infra;

import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The tenancy rules of the KVM provider, pure and in one place: what a platform admin may write in a
 * {@link KVMHost}, and what a tenant's KVMCluster and KVMMachine may take from the hosts their namespace may use.
 * The webhook runs them on apply, the renderer and {@code capkit validate} on the fleet repo, and the provider again
 * before any libvirt call.
 */
public final class KvmHostRules {
  /** The KVMHost a KVMCluster without {@code spec.hosts} places its machines on. */
  public static final String DEFAULT_HOST = "default";
  /**
   * libvirt schemes an admin may use: local QEMU, QEMU over SSH or TLS, and the test driver's built-in state.
   * {@code qemu+tcp} is unauthenticated, {@code qemu+unix}/{@code qemu+ext} take a socket or a command.
   */
  public static final Set<String> SCHEMES = Set.of("qemu", "qemu+ssh", "qemu+libssh", "qemu+libssh2", "qemu+tls",
      "test");
  /**
   * The one test-driver URI allowed: its built-in state. {@code test:///<file>} reads a file of the provider's
   * machine, and libvirt quotes the file's content in its errors.
   */
  public static final String TEST_URI = "test:///default";
  private static final Set<String> QEMU_PATHS = Set.of("/system", "/session");
  /**
   * The patterns, compiled at their first use rather than with this class: a fleet cluster's {@code KVM_HOSTS} check
   * ({@link #checkHostList}, every {@code capkit validate} of a WorkloadCluster file) needs none of them, and a
   * one-file validate runs {@code Pattern.compile} interpreted (bench/validate/notes.md).
   */
  private static final class Patterns {
    /** libvirt object names (pools, networks, volumes) as this provider accepts them: no path separators. */
    static final Pattern LIBVIRT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    static final Pattern PATH_CHARACTERS = Pattern.compile("/[-A-Za-z0-9_./]{0,4095}");
    /** Volumes the provider creates for a machine: {@code <namespace>.<name>-<role>.<format>}. */
    static final Pattern MACHINE_VOLUME = Pattern.compile(
        "[a-z0-9]([-a-z0-9]*[a-z0-9])?\\.[a-z0-9]([-a-z0-9.]*[a-z0-9])?-(root|docker|kubelet|etcd)\\.qcow2"
            + "|[a-z0-9]([-a-z0-9]*[a-z0-9])?\\.[a-z0-9]([-a-z0-9.]*[a-z0-9])?-seed\\.iso");

    private Patterns() {}
  }
  private static final Set<String> SELECTOR_OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  private KvmHostRules() {}

  // ---- what an admin writes ----

  /** A KVMHost (the admin's object): its name, URI, pool, network, key reference, images, directories, namespaces. */
  public static List<Problem> validateHost(String name, KVMHostSpec spec) {
    return validateHost(name, spec, null);
  }

  /**
   * As {@link #validateHost(String, KVMHostSpec)}, for a provider whose operator lets test-driver node files under
   * {@code testDriverDir} be hosts (benchmarks and tests; null: only {@value #TEST_URI}).
   */
  public static List<Problem> validateHost(String name, KVMHostSpec spec, java.nio.file.Path testDriverDir) {
    List<Problem> p = new ArrayList<>();
    Names.checkLabel(name).ifPresent(m -> p.add(Problem.at("metadata.name", m + " (the host name is a failure domain)")));
    if (spec == null) {
      p.add(Problem.at("spec", "is required"));
      return p;
    }
    p.addAll(checkLibvirtUri(spec.getUri(), "spec.uri", testDriverDir));
    libvirtName(spec.getStoragePool(), "spec.storagePool", p);
    libvirtName(spec.getNetwork(), "spec.network", p);
    SecretKeyReference key = spec.getSshKeySecretRef();
    if (key != null) {
      Names.checkSubdomain(key.getName()).ifPresent(m -> p.add(Problem.at("spec.sshKeySecretRef.name", m)));
      if (key.getKey() != null && !Patterns.SECRET_KEY.matcher(key.getKey()).matches()) {
        p.add(Problem.at("spec.sshKeySecretRef.key", "\"" + key.getKey() + "\" is not a Secret data key"));
      }
      String scheme = scheme(spec.getUri());
      if (scheme != null && !scheme.endsWith("ssh") && !scheme.endsWith("ssh2")) {
        p.add(Problem.at("spec.sshKeySecretRef", "is only used with qemu+ssh, qemu+libssh and qemu+libssh2 URIs"));
      }
    }
    List<String> images = orEmpty(spec.getBaseImages());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < images.size(); i++) {
      String at = "spec.baseImages[" + i + "]";
      String image = images.get(i);
      libvirtName(image, at, p);
      if (image != null && isMachineVolume(image)) {
        p.add(Problem.at(at, "\"" + image + "\" is named like a volume the provider creates for a machine "
            + "(<namespace>.<name>-<role>); a machine's disk is never a base image"));
      }
      if (image != null && !seen.add(image)) {
        p.add(Problem.at(at, "\"" + image + "\" is listed twice"));
      }
    }
    List<SharedDirectory> dirs = orEmpty(spec.getSharedDirectories());
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < dirs.size(); i++) {
      String at = "spec.sharedDirectories[" + i + "]";
      SharedDirectory d = dirs.get(i);
      if (d == null) {
        p.add(Problem.at(at, "must be an object with path"));
        continue;
      }
      absolutePath(d.getPath(), at + ".path", p);
      if ("/".equals(normalized(d.getPath()))) {
        p.add(Problem.at(at + ".path", "\"/\" would share the whole host file system"));
      }
      if (d.getPath() != null && !paths.add(normalized(d.getPath()))) {
        p.add(Problem.at(at + ".path", "\"" + d.getPath() + "\" is listed twice"));
      }
    }
    AllowedNamespaces allowed = spec.getAllowedNamespaces();
    if (allowed != null) {
      List<String> list = orEmpty(allowed.getList());
      for (int i = 0; i < list.size(); i++) {
        int index = i;
        io.capkit.api.TenantNamespaces.check(list.get(i)).ifPresent(m -> p.add(Problem.at(
            "spec.allowedNamespaces.list[" + index + "]", m)));
      }
      selectorProblems(allowed.getSelector(), "spec.allowedNamespaces.selector", p);
    }
    p.sort(null);
    return p;
  }

  /**
   * A libvirt URI as an admin may write it: a scheme of {@link #SCHEMES}; for QEMU the {@code /system} or
   * {@code /session} path, a host name or address for remote schemes and none for local; no query parameters
   * (libvirt's {@code command=}, {@code socket=}, {@code keyfile=}, {@code no_verify=}, {@code netcat=} and
   * {@code proxy=} run programs or weaken checks inside the provider; the SSH key comes from sshKeySecretRef), no
   * fragment; the test driver only as {@value #TEST_URI}.
   */
  public static List<Problem> checkLibvirtUri(String uri, String path) {
    return checkLibvirtUri(uri, path, null);
  }

  /**
   * As {@link #checkLibvirtUri(String, String)}; {@code test:///<file>} is also allowed when the file is below
   * {@code testDriverDir} (an absolute directory the provider's operator chose; null: none).
   */
  public static List<Problem> checkLibvirtUri(String uri, String path, java.nio.file.Path testDriverDir) {
    if (uri == null || uri.isEmpty()) {
      return List.of(Problem.at(path, "is required (e.g. qemu+ssh://root@kvm-1.example.org/system)"));
    }
    URI u;
    try {
      u = new URI(uri);
    } catch (URISyntaxException e) {
      return List.of(Problem.at(path, "\"" + uri + "\" is not a URI"));
    }
    String scheme = u.getScheme();
    if (scheme == null || !SCHEMES.contains(scheme)) {
      return List.of(Problem.at(path, "\"" + uri + "\": the scheme must be one of " + new TreeSet<>(SCHEMES)));
    }
    List<Problem> p = new ArrayList<>();
    if (u.getRawQuery() != null || uri.contains("?")) {
      p.add(Problem.at(path, "\"" + uri + "\" has query parameters; none are allowed (command=, socket=, keyfile=, "
          + "no_verify= and the like change what the provider runs or trusts)"));
    }
    if (u.getRawFragment() != null) {
      p.add(Problem.at(path, "\"" + uri + "\" has a fragment"));
    }
    if (scheme.equals("test")) {
      if (!uri.equals(TEST_URI) && !inTestDriverDir(u.getRawPath(), testDriverDir)) {
        p.add(Problem.at(path, "\"" + uri + "\": the test driver is allowed only as " + TEST_URI
            + " (test:///<file> reads a file of the provider's machine)"));
      }
      return p;
    }
    if (!QEMU_PATHS.contains(u.getRawPath())) {
      p.add(Problem.at(path, "\"" + uri + "\": the path must be /system or /session"));
    }
    boolean remote = !scheme.equals("qemu");
    if (remote) {
      String host = u.getHost();
      if (host == null || (Names.checkSubdomain(host.toLowerCase(java.util.Locale.ROOT)).isPresent()
          && !host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]"))) {
        p.add(Problem.at(path, "\"" + uri + "\": " + scheme + " needs a host name or address"));
      }
      String user = u.getRawUserInfo();
      if (user != null && !user.matches("[a-z_][-a-z0-9_.]{0,31}")) {
        p.add(Problem.at(path, "\"" + uri + "\": the user must be a plain user name (no password)"));
      }
    } else if (u.getRawAuthority() != null) {
      p.add(Problem.at(path, "\"" + uri + "\": qemu:// is the local host; use qemu+ssh or qemu+tls for another"));
    }
    return p;
  }

  private static boolean inTestDriverDir(String file, java.nio.file.Path dir) {
    if (dir == null || file == null || !dir.isAbsolute() || !Patterns.PATH_CHARACTERS.matcher(file).matches()
        || file.contains("/../") || file.endsWith("/..")) {
      return false;
    }
    java.nio.file.Path f = java.nio.file.Path.of(file).normalize();
    return f.startsWith(dir.normalize()) && !f.equals(dir.normalize());
  }

  /** Whether a volume name has the form of the volumes the provider creates for machines. */
  public static boolean isMachineVolume(String volume) {
    return volume != null && Patterns.MACHINE_VOLUME.matcher(volume).matches();
  }

  // ---- what a tenant may take ----

  /**
   * Whether a namespace may use a host: listed by name, or its labels match the selector (an empty selector matches
   * all). Without allowedNamespaces no namespace may.
   */
  public static boolean allows(KVMHostSpec host, String namespace, Map<String, String> namespaceLabels) {
    AllowedNamespaces a = host == null ? null : host.getAllowedNamespaces();
    if (a == null || namespace == null || io.capkit.api.TenantNamespaces.check(namespace).isPresent()) {
      return false;
    }
    if (orEmpty(a.getList()).contains(namespace)) {
      return true;
    }
    return a.getSelector() != null && matches(a.getSelector(), namespaceLabels == null ? Map.of() : namespaceLabels);
  }

  /** KVM_HOSTS as written in the fleet: comma-separated host names, spaces around them ignored. */
  public static List<String> parseHostList(String text) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      out.add(part.trim());
    }
    return out;
  }

  /** A problem message when KVM_HOSTS is not a list of distinct DNS labels, else empty. */
  public static Optional<String> checkHostList(String text) {
    Set<String> seen = new HashSet<>();
    for (String name : parseHostList(text)) {
      Optional<String> bad = Names.checkLabel(name);
      if (bad.isPresent()) {
        return Optional.of("host " + (name.isEmpty() ? "name " + bad.get() : bad.get()) + " (KVM_HOSTS is "
            + "comma-separated KVMHost names)");
      }
      if (!seen.add(name)) {
        return Optional.of("host \"" + name + "\" is listed twice");
      }
    }
    return Optional.empty();
  }

  /**
   * The tenancy rules as the renderer and {@code capkit validate} apply them to a fleet cluster, against the
   * management cluster's KVMHost files: the hosts exist and allow the namespace (whose labels offline are only
   * {@value HostCatalog#NAME_LABEL}), and every one of them offers the base image (the provider may place a machine
   * on any). Problems are at the variables' paths.
   */
  public static List<Problem> checkFleetCluster(String namespace, String hostList, String baseImage,
      HostCatalog hosts) {
    KVMClusterSpec spec = new KVMClusterSpec();
    if (hostList != null && !hostList.isBlank()) {
      spec.setHosts(parseHostList(hostList).stream().map(n -> {
        KVMClusterHost h = new KVMClusterHost();
        h.setName(n);
        return h;
      }).toList());
    }
    List<Problem> p = new ArrayList<>();
    for (Problem q : checkClusterHosts(spec, "spec", namespace, hosts.namespaceLabels(namespace), hosts::host)) {
      p.add(Problem.at("spec.variables.KVM_HOSTS", q.message()));
    }
    if (!p.isEmpty()) {
      return p;
    }
    KVMMachineSpec machine = new KVMMachineSpec();
    BaseImage image = new BaseImage();
    image.setVolume(baseImage);
    machine.setImage(image);
    for (String name : hostNames(spec)) {
      for (Problem q : checkMachineOnHost(machine, "spec", name, hosts.host(name).orElseThrow())) {
        p.add(Problem.at("spec.variables.KVM_BASE_IMAGE", q.message()));
      }
    }
    return p;
  }

  /** The host names a KVMCluster spec uses: its hosts, or {@value #DEFAULT_HOST} when it lists none. */
  public static List<String> hostNames(KVMClusterSpec spec) {
    List<KVMClusterHost> hosts = spec == null || spec.getHosts() == null ? List.of() : spec.getHosts();
    if (hosts.isEmpty()) {
      return List.of(DEFAULT_HOST);
    }
    return hosts.stream().map(h -> h == null ? null : h.getName()).toList();
  }

  /**
   * A KVMCluster's hosts against the KVMHosts ({@code hosts} finds one by name): each exists and allows the
   * namespace, and one of them takes control-plane machines. Problems name the cluster's field, never what another
   * host holds.
   */
  public static List<Problem> checkClusterHosts(KVMClusterSpec spec, String path, String namespace,
      Map<String, String> namespaceLabels, Function<String, Optional<KVMHostSpec>> hosts) {
    List<Problem> p = new ArrayList<>();
    List<KVMClusterHost> listed = spec == null || spec.getHosts() == null ? List.of() : spec.getHosts();
    if (listed.isEmpty()) {
      hostAllows(DEFAULT_HOST, path + ".hosts", namespace, namespaceLabels, hosts, p,
          " (a KVMCluster without hosts uses the KVMHost \"" + DEFAULT_HOST + "\")");
      p.sort(null);
      return p;
    }
    boolean anyControlPlane = false;
    for (int i = 0; i < listed.size(); i++) {
      KVMClusterHost h = listed.get(i);
      if (h == null || h.getName() == null || Names.checkLabel(h.getName()).isPresent()) {
        continue; // the spec's own rules report it
      }
      hostAllows(h.getName(), path + ".hosts[" + i + "].name", namespace, namespaceLabels, hosts, p, "");
      anyControlPlane |= h.getControlPlane() == null || h.getControlPlane();
    }
    if (!anyControlPlane) {
      p.add(Problem.at(path + ".hosts", "no host takes control-plane machines (controlPlane: false on all)"));
    }
    p.sort(null);
    return p;
  }

  private static void hostAllows(String name, String at, String namespace, Map<String, String> labels,
      Function<String, Optional<KVMHostSpec>> hosts, List<Problem> p, String note) {
    Optional<KVMHostSpec> host = hosts.apply(name);
    if (host.isEmpty()) {
      p.add(Problem.at(at, "no KVMHost named \"" + name + "\"" + note));
    } else if (!allows(host.get(), namespace, labels)) {
      p.add(Problem.at(at, "KVMHost \"" + name + "\" does not allow namespace " + namespace + note));
    }
  }

  /**
   * A machine spec against the host it runs on: the base image is one of the host's baseImages in the host's pool
   * (and never a machine's volume), and every shared directory is one the host shares, writable only where the host
   * says so (etcdStorage.hostPath needs a writable one).
   */
  public static List<Problem> checkMachineOnHost(KVMMachineSpec spec, String path, String hostName,
      KVMHostSpec host) {
    List<Problem> p = new ArrayList<>();
    if (spec == null || host == null) {
      return p;
    }
    BaseImage image = spec.getImage();
    if (image != null) {
      if (image.getPool() != null && !image.getPool().isEmpty() && !image.getPool().equals(host.getStoragePool())) {
        p.add(Problem.at(path + ".image.pool", "\"" + image.getPool() + "\" is not the storage pool of host "
            + hostName + "; leave it empty"));
      }
      String volume = image.getVolume();
      if (volume != null && (isMachineVolume(volume) || !orEmpty(host.getBaseImages()).contains(volume))) {
        p.add(Problem.at(path + ".image.volume", "\"" + volume + "\" is not a base image of host " + hostName
            + " (allowed: " + orEmpty(host.getBaseImages()) + ")"));
      }
    }
    List<HostVolume> volumes = orEmpty(spec.getHostVolumes());
    for (int i = 0; i < volumes.size(); i++) {
      HostVolume v = volumes.get(i);
      if (v != null && v.getHostPath() != null && shared(host, v.getHostPath()).isEmpty()) {
        p.add(Problem.at(path + ".hostVolumes[" + i + "].hostPath", "\"" + v.getHostPath()
            + "\" is not a shared directory of host " + hostName + " (allowed: " + sharedPaths(host) + ")"));
      }
    }
    EtcdStorage etcd = spec.getEtcdStorage();
    if (etcd != null && etcd.getHostPath() != null) {
      Optional<SharedDirectory> d = shared(host, etcd.getHostPath());
      if (d.isEmpty() || !Boolean.TRUE.equals(d.get().getWritable())) {
        p.add(Problem.at(path + ".etcdStorage.hostPath", "\"" + etcd.getHostPath()
            + "\" is not a writable shared directory of host " + hostName));
      }
    }
    p.sort(null);
    return p;
  }

  /**
   * A machine spec against every host its namespace may use, when the host is not known yet (a template, or a
   * machine not placed): admitted when one of them takes it, else the problems against the first.
   */
  public static List<Problem> checkMachineOnAnyHost(KVMMachineSpec spec, String path, Map<String, KVMHostSpec> hosts) {
    boolean usesHost = spec != null && (spec.getImage() != null || !orEmpty(spec.getHostVolumes()).isEmpty()
        || (spec.getEtcdStorage() != null && spec.getEtcdStorage().getHostPath() != null));
    if (!usesHost) {
      return List.of();
    }
    if (hosts.isEmpty()) {
      return List.of(Problem.at(path, "no KVMHost allows this namespace; ask a platform admin for one"));
    }
    List<Problem> first = null;
    for (Map.Entry<String, KVMHostSpec> h : new java.util.TreeMap<>(hosts).entrySet()) {
      List<Problem> p = checkMachineOnHost(spec, path, h.getKey(), h.getValue());
      if (p.isEmpty()) {
        return p;
      }
      first = first == null ? p : first;
    }
    return first;
  }

  /** Whether a shared directory is mounted read-only in the guest: always, unless the host marks it writable. */
  public static boolean readOnly(KVMHostSpec host, String hostPath) {
    return shared(host, hostPath).map(d -> !Boolean.TRUE.equals(d.getWritable())).orElse(true);
  }

  private static Optional<SharedDirectory> shared(KVMHostSpec host, String hostPath) {
    String want = normalized(hostPath);
    return orEmpty(host.getSharedDirectories()).stream()
        .filter(d -> d != null && d.getPath() != null && normalized(d.getPath()).equals(want)).findFirst();
  }

  private static List<String> sharedPaths(KVMHostSpec host) {
    return orEmpty(host.getSharedDirectories()).stream().filter(d -> d != null).map(SharedDirectory::getPath).toList();
  }

  /** A path without trailing slashes and with "//" and "/./" folded, so "/srv/data/" and "/srv//data" match. */
  static String normalized(String path) {
    if (path == null) {
      return null;
    }
    String p = path.replaceAll("/+", "/").replace("/./", "/");
    while (p.length() > 1 && (p.endsWith("/") || p.endsWith("/."))) {
      p = p.endsWith("/") ? p.substring(0, p.length() - 1) : p.substring(0, p.length() - 2);
    }
    return p.isEmpty() ? "/" : p;
  }

  static boolean matches(LabelSelector s, Map<String, String> labels) {
    if (s.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : s.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    for (LabelSelectorRequirement r : orEmpty(s.getMatchExpressions())) {
      String v = labels.get(r.getKey());
      List<String> values = orEmpty(r.getValues());
      boolean ok = switch (r.getOperator() == null ? "" : r.getOperator()) {
        case "In" -> v != null && values.contains(v);
        case "NotIn" -> v == null || !values.contains(v);
        case "Exists" -> v != null;
        case "DoesNotExist" -> v == null;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static void selectorProblems(LabelSelector s, String path, List<Problem> p) {
    if (s == null) {
      return;
    }
    List<LabelSelectorRequirement> rs = orEmpty(s.getMatchExpressions());
    for (int i = 0; i < rs.size(); i++) {
      LabelSelectorRequirement r = rs.get(i);
      String at = path + ".matchExpressions[" + i + "]";
      if (r == null || r.getKey() == null || r.getKey().isEmpty()) {
        p.add(Problem.at(at + ".key", "is required"));
        continue;
      }
      if (!SELECTOR_OPERATORS.contains(r.getOperator())) {
        p.add(Problem.at(at + ".operator", "\"" + r.getOperator() + "\" is not one of " + new TreeSet<>(
            SELECTOR_OPERATORS)));
      } else if ((r.getOperator().equals("In") || r.getOperator().equals("NotIn")) == orEmpty(r.getValues())
          .isEmpty()) {
        p.add(Problem.at(at + ".values", "In and NotIn need values, Exists and DoesNotExist take none"));
      }
    }
  }

  private static void libvirtName(String name, String path, List<Problem> p) {
    if (name == null || name.isEmpty()) {
      p.add(Problem.at(path, "is required"));
    } else if (!Patterns.LIBVIRT_NAME.matcher(name).matches()) {
      p.add(Problem.at(path, "\"" + name + "\" is not a libvirt object name (letters, digits, '.', '_', '-'; at "
          + "most 200)"));
    }
  }

  private static void absolutePath(String file, String path, List<Problem> p) {
    if (file == null || file.isEmpty()) {
      p.add(Problem.at(path, "is required"));
    } else if (!file.startsWith("/") || file.contains("/../") || file.endsWith("/..")) {
      p.add(Problem.at(path, "\"" + file + "\" must be an absolute path without '..'"));
    } else if (!Patterns.PATH_CHARACTERS.matcher(file).matches()) {
      p.add(Problem.at(path, "\"" + file + "\" has characters other than letters, digits, '-', '_', '.' and '/'"));
    }
  }

  private static String scheme(String uri) {
    try {
      return uri == null ? null : new URI(uri).getScheme();
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}
