package io.capkit.api.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.Problem;
import io.capkit.api.TenantNamespaces;
import io.capkit.api.contract.Contract;
import io.capkit.api.contract.MemoryQuantity;
import io.capkit.api.release.ReleaseRules;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 17's inputs against the pure rules in api: each one is refused with its field path and a clear reason. */
class HostileTenantRulesTest {
  static final String NS = "org-acme";

  static KVMHostSpec host() {
    KVMHostSpec h = new KVMHostSpec();
    h.setUri("qemu+ssh://root@kvm-1.example.org/system");
    h.setStoragePool("vms");
    h.setNetwork("br0");
    h.setBaseImages(List.of("ubuntu-24.04-kubeadm.qcow2"));
    SharedDirectory data = new SharedDirectory();
    data.setPath("/srv/datasets");
    SharedDirectory etcd = new SharedDirectory();
    etcd.setPath("/srv/etcd");
    etcd.setWritable(true);
    h.setSharedDirectories(List.of(data, etcd));
    AllowedNamespaces a = new AllowedNamespaces();
    a.setList(List.of(NS));
    h.setAllowedNamespaces(a);
    return h;
  }

  static KVMMachineSpec machine(String image) {
    KVMMachineSpec m = new KVMMachineSpec();
    BaseImage b = new BaseImage();
    b.setVolume(image);
    m.setImage(b);
    return m;
  }

  static HostVolume volume(String hostPath) {
    HostVolume v = new HostVolume();
    v.setName("r");
    v.setHostPath(hostPath);
    v.setMountPath("/mnt/host");
    return v;
  }

  static List<String> fmt(List<Problem> p) {
    return p.stream().map(Problem::format).toList();
  }

  @Test
  void item1HostRootOrImagePoolIntoAVmIsRefusedAndSharedDirectoriesAreReadOnlyUnlessWritable() {
    for (String path : List.of("/", "/var/lib/libvirt/images", "/srv", "/srv/datasets/..", "/srv/datasets/sub")) {
      KVMMachineSpec m = machine("ubuntu-24.04-kubeadm.qcow2");
      m.setHostVolumes(List.of(volume(path)));
      assertEquals(List.of("spec.hostVolumes[0].hostPath: \"" + path + "\" is not a shared directory of host kvm-1 "
          + "(allowed: [/srv/datasets, /srv/etcd])"), fmt(KvmHostRules.checkMachineOnHost(m, "spec", "kvm-1", host())),
          path);
    }
    KVMMachineSpec ok = machine("ubuntu-24.04-kubeadm.qcow2");
    ok.setHostVolumes(List.of(volume("/srv/datasets/")));
    assertEquals(List.of(), KvmHostRules.checkMachineOnHost(ok, "spec", "kvm-1", host()));
    assertTrue(KvmHostRules.readOnly(host(), "/srv/datasets"));
    assertFalse(KvmHostRules.readOnly(host(), "/srv/etcd"));
    assertTrue(KvmHostRules.readOnly(host(), "/"), "a directory the host does not share is never writable");

    KVMMachineSpec etcd = machine("ubuntu-24.04-kubeadm.qcow2");
    EtcdStorage s = new EtcdStorage();
    s.setHostPath("/srv/datasets");
    etcd.setEtcdStorage(s);
    assertEquals(List.of("spec.etcdStorage.hostPath: \"/srv/datasets\" is not a writable shared directory of host "
        + "kvm-1"), fmt(KvmHostRules.checkMachineOnHost(etcd, "spec", "kvm-1", host())));

    KVMHostSpec wholeHost = host();
    SharedDirectory root = new SharedDirectory();
    root.setPath("//");
    wholeHost.setSharedDirectories(List.of(root));
    assertEquals(List.of("spec.sharedDirectories[0].path: \"/\" would share the whole host file system"),
        fmt(KvmHostRules.validateHost("kvm-1", wholeHost)));
  }

  @Test
  void item2AnotherTenantsDiskIsNeverABaseImage() {
    String stolen = "org-globex.analytics-cp-x7k2p-root.qcow2";
    assertEquals(List.of("spec.image.volume: \"" + stolen + "\" is not a base image of host kvm-1 (allowed: "
        + "[ubuntu-24.04-kubeadm.qcow2])"), fmt(KvmHostRules.checkMachineOnHost(machine(stolen), "spec", "kvm-1",
        host())));
    KVMHostSpec careless = host();
    careless.setBaseImages(List.of(stolen, "org-globex.analytics-cp-x7k2p-seed.iso"));
    // Even an admin listing one does not make it valid: refused on the KVMHost and again on the machine.
    assertEquals(2, KvmHostRules.validateHost("kvm-1", careless).size());
    assertEquals(1, KvmHostRules.checkMachineOnHost(machine(stolen), "spec", "kvm-1", careless).size());
    KVMMachineSpec otherPool = machine("ubuntu-24.04-kubeadm.qcow2");
    otherPool.getImage().setPool("globex-private");
    assertEquals(List.of("spec.image.pool: \"globex-private\" is not the storage pool of host kvm-1; leave it empty"),
        fmt(KvmHostRules.checkMachineOnHost(otherPool, "spec", "kvm-1", host())));
    for (String role : List.of("root.qcow2", "docker.qcow2", "kubelet.qcow2", "etcd.qcow2", "seed.iso")) {
      assertTrue(KvmHostRules.isMachineVolume("org-a.m-1-" + role), role);
    }
    assertFalse(KvmHostRules.isMachineVolume("ubuntu-24.04-kubeadm.qcow2"));
  }

  @Test
  void item3HostUrisAreCheckedAsAdminInput() {
    Map<String, String> refused = Map.ofEntries(
        Map.entry("test:///etc/shadow", "the test driver is allowed only as test:///default"),
        Map.entry("test:///default?x=1", "has query parameters"),
        Map.entry("qemu+ssh://h/system?command=/opt/x&no_verify=1", "has query parameters"),
        Map.entry("qemu+ssh://h/system?keyfile=/etc/capkit/other-key", "has query parameters"),
        Map.entry("qemu+unix:///system?socket=/tmp/evil.sock", "the scheme must be one of"),
        Map.entry("qemu+ext:///system?command=/bin/sh", "the scheme must be one of"),
        Map.entry("qemu+tcp://h/system", "the scheme must be one of"),
        Map.entry("qemu://evil.example.org/system", "qemu:// is the local host"),
        Map.entry("qemu+ssh://h/../../etc", "the path must be /system or /session"),
        Map.entry("qemu+ssh://user:pw@h/system", "plain user name"),
        Map.entry("qemu+ssh:///system", "needs a host name or address"),
        Map.entry("http://h/system", "the scheme must be one of"));
    refused.forEach((uri, why) -> {
      List<String> p = fmt(KvmHostRules.checkLibvirtUri(uri, "spec.uri"));
      assertTrue(!p.isEmpty() && p.get(0).startsWith("spec.uri: \"" + uri + "\"") && p.get(0).contains(why),
          uri + " → " + p);
    });
    for (String ok : List.of("test:///default", "qemu:///system", "qemu+ssh://root@kvm-1.example.org/system",
        "qemu+tls://10.0.0.5:16514/system", "qemu+libssh2://kvm-2/session")) {
      assertEquals(List.of(), KvmHostRules.checkLibvirtUri(ok, "spec.uri"), ok);
    }
    KVMHostSpec badNames = host();
    badNames.setStoragePool("../../etc");
    badNames.setNetwork("a b");
    assertEquals(List.of("spec.network: \"a b\" is not a libvirt object name (letters, digits, '.', '_', '-'; at most "
        + "200)", "spec.storagePool: \"../../etc\" is not a libvirt object name (letters, digits, '.', '_', '-'; at "
        + "most 200)"), fmt(KvmHostRules.validateHost("kvm-1", badNames)));
  }

  @Test
  void tenancyHostsAreUsedByNameOnlyFromAllowedNamespaces() {
    KVMClusterSpec spec = new KVMClusterSpec();
    KVMClusterHost h = new KVMClusterHost();
    h.setName("kvm-1");
    spec.setHosts(List.of(h));
    assertEquals(List.of(), KvmHostRules.checkClusterHosts(spec, "spec", NS, Map.of(), n -> Optional.of(host())));
    assertEquals(List.of("spec.hosts[0].name: KVMHost \"kvm-1\" does not allow namespace org-globex"),
        fmt(KvmHostRules.checkClusterHosts(spec, "spec", "org-globex", Map.of(), n -> Optional.of(host()))));
    assertEquals(List.of("spec.hosts[0].name: no KVMHost named \"kvm-1\""),
        fmt(KvmHostRules.checkClusterHosts(spec, "spec", NS, Map.of(), n -> Optional.empty())));
    assertEquals(List.of("spec.hosts: no KVMHost named \"default\" (a KVMCluster without hosts uses the KVMHost "
        + "\"default\")"), fmt(KvmHostRules.checkClusterHosts(new KVMClusterSpec(), "spec", NS, Map.of(),
        n -> Optional.empty())));

    KVMHostSpec bySelector = host();
    bySelector.getAllowedNamespaces().setList(null);
    bySelector.getAllowedNamespaces().setSelector(new LabelSelectorBuilder()
        .addNewMatchExpression().withKey("capkit.io/tier").withOperator("In").withValues("gold").endMatchExpression()
        .build());
    assertTrue(KvmHostRules.allows(bySelector, "org-x", Map.of("capkit.io/tier", "gold")));
    assertFalse(KvmHostRules.allows(bySelector, "org-x", Map.of("capkit.io/tier", "free")));
    bySelector.getAllowedNamespaces().setSelector(new LabelSelectorBuilder().build());
    assertTrue(KvmHostRules.allows(bySelector, "org-x", Map.of()), "an empty selector matches all");
    assertFalse(KvmHostRules.allows(bySelector, "kube-system", Map.of()), "never an exempt namespace");
    KVMHostSpec none = host();
    none.setAllowedNamespaces(null);
    assertFalse(KvmHostRules.allows(none, NS, Map.of()), "unset allows no namespace");
  }

  @Test
  void item10RulesThatDisagreedLiveOnceInApi() {
    assertFalse(ReleaseRules.isChartRepository("http://charts.example.org"));
    assertTrue(ReleaseRules.isChartRepository("https://charts.example.org"));
    assertTrue(TenantNamespaces.check("kube-system").orElseThrow().contains("exempt from the admission webhooks"));
    assertEquals(Optional.empty(), TenantNamespaces.check(NS));
    assertEquals(Optional.of("\"8000000Ti\" is more than 16Ti, the most a machine may have"),
        MemoryQuantity.checkNodeMemory("8000000Ti"));
    KVMMachineSpec huge = machine("x");
    huge.setMemory("8000000Ti");
    assertEquals(List.of("spec.memory: \"8000000Ti\" is more than 16Ti, the most a machine may have"),
        fmt(KvmRules.machineSpecProblems(huge, "spec")));
    assertEquals(List.of("WORKER_MACHINE_MEMORY: \"8000000Ti\" is more than 16Ti, the most a machine may have"),
        fmt(Contract.standard().validate(Map.of("WORKER_MACHINE_MEMORY", "8000000Ti"))));
  }
}
