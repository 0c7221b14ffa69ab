package io.capkit.api.infra;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Names;
import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import io.capkit.api.contract.MemoryQuantity;
import io.capkit.api.fleet.ApiEndpoint;
import io.capkit.api.TenantNamespaces;
import io.capkit.api.yaml.StrictReader;
import io.capkit.api.yaml.JsonTrees;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Defaulting and validation of the KVM infrastructure types (KVMCluster, KVMMachine and their templates). Pure
 * functions shared by the webhook and the provider; paths are relative to the object root, given by the caller.
 */
public final class KvmRules {
  private static final int MAX_GB = 65536;
  private static final int MAX_CPUS = 512;
  /** virtio-9p mount tags are at most 31 bytes. */
  private static final int MAX_MOUNT_TAG = 31;
  /** The 9p tag the provider gives etcdStorage.hostPath. */
  public static final String ETCD_MOUNT_TAG = "etcd";
  /**
   * The patterns, compiled at their first use rather than with this class, which every {@code capkit validate} sets
   * up and a WorkloadCluster file's checks do not use (a one-file validate runs {@code Pattern.compile} interpreted).
   */
  private static final class Patterns {
    static final Pattern PATH_CHARACTERS = Pattern.compile("/[-A-Za-z0-9_./]{0,4095}");
    /** RFC 3720 iSCSI names: iqn.YYYY-MM.reversed.domain[:anything] or eui.16-hex. */
    static final Pattern ISCSI = Pattern.compile(
        "iqn\\.[0-9]{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[-a-z0-9.:]+)?|eui\\.[0-9A-F]{16}");

    private Patterns() {}
  }

  private static final String TEMPLATE_SPEC = "spec.template.spec";
  private final Contract contract;

  public KvmRules(Contract contract) {
    this.contract = contract;
  }

  /**
   * Machine defaults, taken from the contract's worker values: the fields a spec lacks, as field name (below
   * the spec) → value, e.g. {@code cpus → 4}, {@code volumes.rootSizeGB → 40}.
   */
  public Map<String, Object> machineDefaults(KVMMachineSpec spec) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> d = contract.defaults();
    if (spec.getCpus() == null) {
      out.put("cpus", d.get("WORKER_MACHINE_CPUS"));
    }
    if (spec.getMemory() == null) {
      out.put("memory", d.get("WORKER_MACHINE_MEMORY"));
    }
    MachineVolumes v = spec.getVolumes();
    if (v == null || v.getRootSizeGB() == null) {
      out.put("volumes.rootSizeGB", d.get("VOLUME_SIZE_GB"));
    }
    if (v == null || v.getDockerSizeGB() == null) {
      out.put("volumes.dockerSizeGB", d.get("DOCKER_VOLUME_SIZE_GB"));
    }
    return out;
  }

  /** A machine spec (of a KVMMachine or a template), its problems under {@code path}. */
  public List<Problem> validateMachineSpec(KVMMachineSpec spec, String path) {
    return machineSpecProblems(spec, path);
  }

  /**
   * The rules on a machine spec's own values, needing no contract: the webhook runs them on admission and the
   * provider before it plans, so a value one accepts the other accepts too. Sorted by path.
   */
  public static List<Problem> machineSpecProblems(KVMMachineSpec spec, String path) {
    List<Problem> p = new ArrayList<>();
    if (spec == null) {
      p.add(Problem.at(path, "is required"));
      return p;
    }
    if (spec.getProviderID() != null && !spec.getProviderID().startsWith(Infra.PROVIDER_ID_PREFIX)) {
      p.add(Problem.at(path + ".providerID", "\"" + spec.getProviderID() + "\" must start with "
          + Infra.PROVIDER_ID_PREFIX));
    }
    if (spec.getCpus() != null && (spec.getCpus() < 1 || spec.getCpus() > MAX_CPUS)) {
      p.add(Problem.at(path + ".cpus", "must be 1-" + MAX_CPUS + ", got " + spec.getCpus()));
    }
    if (spec.getMemory() != null) {
      MemoryQuantity.checkNodeMemory(spec.getMemory()).ifPresent(m -> p.add(Problem.at(path + ".memory", m)));
    }
    MachineVolumes v = spec.getVolumes();
    if (v != null) {
      size(v.getRootSizeGB(), path + ".volumes.rootSizeGB", p);
      size(v.getDockerSizeGB(), path + ".volumes.dockerSizeGB", p);
      size(v.getKubeletSizeGB(), path + ".volumes.kubeletSizeGB", p);
    }
    // No default exists for the base image, and the provider cannot plan a machine without one.
    if (spec.getImage() == null || spec.getImage().getVolume() == null || spec.getImage().getVolume().isEmpty()) {
      p.add(Problem.at(path + ".image.volume", "is required (the base image volume the root disk is layered on)"));
    }
    List<String> dns = spec.getDnsServers() == null ? List.of() : spec.getDnsServers();
    for (int i = 0; i < dns.size(); i++) {
      String s = dns.get(i);
      if (s == null || !(Names.isIpv4(s) || isIpv6(s))) {
        p.add(Problem.at(path + ".dnsServers[" + i + "]", "\"" + s + "\" is not an IP address"));
      }
    }
    List<String> ntp = spec.getNtpServers() == null ? List.of() : spec.getNtpServers();
    for (int i = 0; i < ntp.size(); i++) {
      String s = ntp.get(i);
      if (s == null || !(Names.isIpv4(s) || isIpv6(s) || Names.checkSubdomain(s).isEmpty())) {
        p.add(Problem.at(path + ".ntpServers[" + i + "]", "\"" + s + "\" is neither an IP address nor a host name"));
      }
    }
    String iscsi = spec.getIscsiInitiatorName();
    if (iscsi != null && !Patterns.ISCSI.matcher(iscsi).matches()) {
      p.add(Problem.at(path + ".iscsiInitiatorName",
          "\"" + iscsi + "\" is not an iSCSI name (iqn.YYYY-MM.reversed.domain[:id] or eui.<16 hex digits>)"));
    }
    Set<String> mounts = new HashSet<>();
    namedEntries(spec.getHostVolumes(), path + ".hostVolumes", HostVolume::getName, p, (h, at) -> {
      if (h.getName() != null && h.getName().length() > MAX_MOUNT_TAG) {
        p.add(Problem.at(at + ".name", "is longer than " + MAX_MOUNT_TAG + " characters (9p mount tag)"));
      }
      if (ETCD_MOUNT_TAG.equals(h.getName())) {
        p.add(Problem.at(at + ".name", "\"" + ETCD_MOUNT_TAG + "\" is reserved for etcdStorage.hostPath"));
      }
      absolute(h.getHostPath(), at + ".hostPath", p);
      absolute(h.getMountPath(), at + ".mountPath", p);
      if (h.getMountPath() != null && !mounts.add(h.getMountPath())) {
        p.add(Problem.at(at + ".mountPath", "\"" + h.getMountPath() + "\" is listed twice"));
      }
    });
    EtcdStorage etcd = spec.getEtcdStorage();
    if (etcd != null) {
      if ((etcd.getHostPath() == null) == (etcd.getSizeGB() == null)) {
        p.add(Problem.at(path + ".etcdStorage", "set exactly one of hostPath and sizeGB"));
      }
      if (etcd.getHostPath() != null) {
        absolute(etcd.getHostPath(), path + ".etcdStorage.hostPath", p);
      }
      size(etcd.getSizeGB(), path + ".etcdStorage.sizeGB", p);
    }
    p.sort(null);
    return p;
  }

  /** The label CAPI puts on a control-plane machine and on the infrastructure machine cloned for it. */
  public static final String CONTROL_PLANE_LABEL = "cluster.x-k8s.io/control-plane";

  /**
   * The rules that depend on a machine's role: iSCSI initiator names and etcd storage are for control-plane machines,
   * host volumes for workers. The webhook knows the role from {@link #CONTROL_PLANE_LABEL} on the KVMMachine, the
   * provider from the Machine as well.
   */
  public static List<Problem> machineRoleProblems(KVMMachineSpec spec, String path, boolean controlPlane) {
    List<Problem> p = new ArrayList<>();
    if (spec == null) {
      return p;
    }
    if (spec.getIscsiInitiatorName() != null && !controlPlane) {
      p.add(Problem.at(path + ".iscsiInitiatorName", "is only set on control-plane machines"));
    }
    if (spec.getHostVolumes() != null && !spec.getHostVolumes().isEmpty() && controlPlane) {
      p.add(Problem.at(path + ".hostVolumes", "host volumes are for worker machines only"));
    }
    if (spec.getEtcdStorage() != null && !controlPlane) {
      p.add(Problem.at(path + ".etcdStorage", "only control-plane machines run etcd"));
    }
    return p;
  }

  /** A KVMMachine update: providerID, once set, never changes (CAPI matches it against the Node). */
  public List<Problem> validateMachineUpdate(KVMMachineSpec old, KVMMachineSpec updated, String path) {
    List<Problem> p = new ArrayList<>(validateMachineSpec(updated, path));
    String before = old == null ? null : old.getProviderID();
    String after = updated == null ? null : updated.getProviderID();
    if (before != null && !before.equals(after)) {
      p.add(Problem.at(path + ".providerID", "is immutable once set (was " + before + ")"));
    }
    p.sort(null);
    return p;
  }

  /** A cluster spec (of a KVMCluster or a template), its problems under {@code path}. */
  public List<Problem> validateClusterSpec(KVMClusterSpec spec, String path) {
    return clusterSpecProblems(spec, path);
  }

  /**
   * The rules on a cluster spec's own values (endpoint, host names listed once); the hosts themselves are checked
   * against the KVMHosts by {@link KvmHostRules#checkClusterHosts}. Sorted by path.
   */
  public static List<Problem> clusterSpecProblems(KVMClusterSpec spec, String path) {
    List<Problem> p = new ArrayList<>();
    if (spec == null) {
      return p;
    }
    ApiEndpoint e = spec.getControlPlaneEndpoint();
    if (e != null) {
      Names.checkHost(e.getHost()).ifPresent(m -> p.add(Problem.at(path + ".controlPlaneEndpoint.host", m)));
      if (e.getPort() != null && (e.getPort() < 1 || e.getPort() > 65535)) {
        p.add(Problem.at(path + ".controlPlaneEndpoint.port", "must be 1-65535, got " + e.getPort()));
      }
    }
    namedEntries(spec.getHosts(), path + ".hosts", KVMClusterHost::getName, p, (h, at) -> { });
    p.sort(null);
    return p;
  }

  /** The KVM kinds these rules know, with their Java types. */
  public static final Map<String, Class<?>> KINDS = Map.of("KVMCluster", KVMCluster.class,
      "KVMClusterTemplate", KVMClusterTemplate.class, "KVMMachine", KVMMachine.class,
      "KVMMachineTemplate", KVMMachineTemplate.class);

  /**
   * Every rule on one KVM object of {@code kind} read from its tree (strictly: unknown fields and wrong types are
   * problems), and on an update ({@code oldTree} not null) the rules between the two: templates are immutable, a
   * machine's providerID never changes. The webhook and {@code capkit validate} both call this.
   */
  public List<Problem> validateObject(String kind, Map<String, Object> tree, Map<String, Object> oldTree) {
    return validateObject(kind, tree, oldTree, null);
  }

  /**
   * As {@link #validateObject(String, Map, Map)}, plus the tenancy rules against the admins' KVMHosts when
   * {@code hosts} is given (the webhook): the namespace may hold tenant objects, a cluster's hosts exist and allow it,
   * a machine's base image and shared directories are the hosts'. They run when the fields they judge are created or
   * changed, not on updates that leave them alone (finalizers, the provider's claim), so a host an admin narrows
   * later never blocks a machine's deletion.
   */
  public List<Problem> validateObject(String kind, Map<String, Object> tree, Map<String, Object> oldTree,
      HostCatalog hosts) {
    Class<?> type = KINDS.get(kind);
    if (type == null) {
      throw new IllegalArgumentException("not a KVM kind: " + kind);
    }
    Object typed;
    try {
      typed = StrictReader.read(null, tree, type, Infra.API_VERSION, kind);
    } catch (InvalidInputException e) {
      return e.problems();
    }
    Object old = null;
    if (oldTree != null) {
      try {
        old = StrictReader.read(null, oldTree, type, Infra.API_VERSION, kind);
      } catch (InvalidInputException e) {
        old = null;
      }
    }
    List<Problem> p = new ArrayList<>();
    if (typed instanceof KVMCluster c) {
      p.addAll(validateClusterSpec(c.getSpec(), "spec"));
    } else if (typed instanceof KVMClusterTemplate t) {
      KVMClusterTemplateSpec spec = t.getSpec();
      p.addAll(spec == null || spec.getTemplate() == null ? List.of(Problem.at("spec.template", "is required"))
          : validateClusterSpec(spec.getTemplate().getSpec(), TEMPLATE_SPEC));
      if (old != null) {
        p.addAll(checkTemplateUnchanged(((KVMClusterTemplate) old).getSpec(), spec, "spec"));
      }
    } else if (typed instanceof KVMMachine m) {
      p.addAll(old == null ? validateMachineSpec(m.getSpec(), "spec")
          : validateMachineUpdate(((KVMMachine) old).getSpec(), m.getSpec(), "spec"));
      Map<String, String> labels = m.getMetadata() == null ? null : m.getMetadata().getLabels();
      p.addAll(machineRoleProblems(m.getSpec(), "spec", labels != null && labels.containsKey(CONTROL_PLANE_LABEL)));
    } else {
      KVMMachineTemplateSpec spec = ((KVMMachineTemplate) typed).getSpec();
      p.addAll(spec == null || spec.getTemplate() == null ? List.of(Problem.at("spec.template", "is required"))
          : validateMachineSpec(spec.getTemplate().getSpec(), TEMPLATE_SPEC));
      if (old != null) {
        p.addAll(checkTemplateUnchanged(((KVMMachineTemplate) old).getSpec(), spec, "spec"));
      }
    }
    if (hosts != null) {
      // A field whose own value is already wrong is not judged against the hosts too.
      Set<String> reported = new java.util.HashSet<>(p.stream().map(Problem::path).toList());
      tenancy((HasMetadata) typed, (HasMetadata) old, hosts).stream().filter(q -> !reported.contains(q.path()))
          .forEach(p::add);
    }
    p.sort(null);
    return p;
  }

  private static List<Problem> tenancy(HasMetadata typed, HasMetadata old, HostCatalog hosts) {
    List<Problem> p = new ArrayList<>();
    String ns = typed.getMetadata() == null ? null : typed.getMetadata().getNamespace();
    if (typed.getMetadata() != null && typed.getMetadata().getDeletionTimestamp() != null) {
      return p;
    }
    TenantNamespaces.check(ns).ifPresent(m -> p.add(Problem.at("metadata.namespace", m)));
    if (typed instanceof KVMCluster c) {
      KVMClusterSpec before = old == null ? null : ((KVMCluster) old).getSpec();
      if (changed(before == null ? null : before.getHosts(), c.getSpec() == null ? null : c.getSpec().getHosts(),
          old)) {
        p.addAll(KvmHostRules.checkClusterHosts(c.getSpec(), "spec", ns, hosts.namespaceLabels(ns), hosts::host));
      }
    } else if (typed instanceof KVMClusterTemplate t) {
      if (old == null && t.getSpec() != null && t.getSpec().getTemplate() != null) {
        p.addAll(KvmHostRules.checkClusterHosts(t.getSpec().getTemplate().getSpec(), TEMPLATE_SPEC, ns,
            hosts.namespaceLabels(ns), hosts::host));
      }
    } else if (typed instanceof KVMMachine m) {
      if (changed(old == null ? null : hostUse(((KVMMachine) old).getSpec()), hostUse(m.getSpec()), old)) {
        p.addAll(machineOnHosts(m.getSpec(), "spec", ns, hosts));
      }
    } else if (typed instanceof KVMMachineTemplate t) {
      if (old == null && t.getSpec() != null && t.getSpec().getTemplate() != null) {
        p.addAll(machineOnHosts(t.getSpec().getTemplate().getSpec(), TEMPLATE_SPEC, ns, hosts));
      }
    }
    return p;
  }

  /**
   * A machine spec against the hosts its namespace may use: the host it is placed on when it names one the
   * namespace may use, else any of them (the provider checks the host it picks again).
   */
  private static List<Problem> machineOnHosts(KVMMachineSpec spec, String path, String ns, HostCatalog hosts) {
    if (spec == null) {
      return List.of();
    }
    Map<String, KVMHostSpec> usable = hosts.hostsFor(ns);
    String placed = spec.getFailureDomain();
    if (placed != null && usable.containsKey(placed)) {
      return KvmHostRules.checkMachineOnHost(spec, path, placed, usable.get(placed));
    }
    return KvmHostRules.checkMachineOnAnyHost(spec, path, usable);
  }

  private static boolean changed(Object before, Object after, Object old) {
    return old == null || !Objects.equals(JsonTrees.mapper().valueToTree(before), JsonTrees.mapper().valueToTree(after));
  }

  /** The fields of a machine spec the hosts' allow-lists judge. */
  private static Object hostUse(KVMMachineSpec spec) {
    return spec == null ? null : java.util.Arrays.asList(spec.getImage(), spec.getHostVolumes(), spec.getEtcdStorage());
  }

  /**
   * Templates are immutable in CAPI: any change of {@code spec} on update is refused. Compares the JSON forms, so
   * two specs that serialise alike are equal.
   */
  public List<Problem> checkTemplateUnchanged(Object oldSpec, Object newSpec, String path) {
    if (Objects.equals(JsonTrees.mapper().valueToTree(oldSpec), JsonTrees.mapper().valueToTree(newSpec))) {
      return List.of();
    }
    return List.of(Problem.at(path, "is immutable; create a new template with another name and point the "
        + "owner at it"));
  }

  /**
   * A list of objects named by a DNS label, unique within the list: null entries, bad and repeated names are
   * problems; {@code more} checks the rest of each non-null entry at its path.
   */
  private static <T> void namedEntries(List<T> items, String path, Function<T, String> name, List<Problem> p,
      BiConsumer<T, String> more) {
    List<T> list = items == null ? List.of() : items;
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      T item = list.get(i);
      String at = path + "[" + i + "]";
      if (item == null) {
        p.add(Problem.at(at, "must be an object"));
        continue;
      }
      String n = name.apply(item);
      Names.checkLabel(n).ifPresent(m -> p.add(Problem.at(at + ".name", m)));
      if (n != null && !names.add(n)) {
        p.add(Problem.at(at + ".name", "\"" + n + "\" is listed twice"));
      }
      more.accept(item, at);
    }
  }

  private static void size(Integer gb, String path, List<Problem> p) {
    if (gb != null && (gb < 1 || gb > MAX_GB)) {
      p.add(Problem.at(path, "must be 1-" + MAX_GB + " GB, got " + gb));
    }
  }

  private static void absolute(String file, String path, List<Problem> p) {
    if (file == null || file.isEmpty()) {
      p.add(Problem.at(path, "is required"));
    } else if (!file.startsWith("/") || file.contains("/../") || file.endsWith("/..")) {
      p.add(Problem.at(path, "\"" + file + "\" must be an absolute path without '..'"));
    } else if (!Patterns.PATH_CHARACTERS.matcher(file).matches()) {
      // The path goes into domain XML and cloud-init mounts unquoted.
      p.add(Problem.at(path, "\"" + file + "\" has characters other than letters, digits, '-', '_', '.' and '/',"
          + " or is longer than 4096"));
    }
  }

  private static boolean isIpv6(String s) {
    if (!s.contains(":") || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':')) {
      return false;
    }
    try {
      io.capkit.api.contract.Cidr.parse(s + "/128");
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
