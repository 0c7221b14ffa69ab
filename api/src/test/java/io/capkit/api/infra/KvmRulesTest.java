package io.capkit.api.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.capkit.api.Problem;
import io.capkit.api.contract.Contract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvmRulesTest {
  private final KvmRules rules = new KvmRules(Contract.standard());

  private static List<String> fmt(List<Problem> p) {
    return p.stream().map(Problem::format).toList();
  }

  @Test
  void machineDefaultsComeFromTheContractsWorkerValues() {
    KVMMachineSpec spec = new KVMMachineSpec();
    assertEquals(Map.of("cpus", 4, "memory", "8GB", "volumes.rootSizeGB", 40, "volumes.dockerSizeGB", 40),
        rules.machineDefaults(spec));
    spec.setCpus(2);
    MachineVolumes v = new MachineVolumes();
    v.setRootSizeGB(10);
    spec.setVolumes(v);
    assertEquals(Map.of("memory", "8GB", "volumes.dockerSizeGB", 40), rules.machineDefaults(spec));
  }

  @Test
  void machineSpecProblemsHaveTheirPaths() {
    KVMMachineSpec spec = new KVMMachineSpec();
    spec.setCpus(0);
    spec.setMemory("256Mi");
    spec.setProviderID("libvirt://x");
    spec.setDnsServers(List.of("10.0.0.1", "dns.example"));
    HostVolume h = new HostVolume();
    h.setName("Data");
    h.setHostPath("relative");
    h.setMountPath("/mnt/../etc");
    spec.setHostVolumes(List.of(h));
    MachineVolumes v = new MachineVolumes();
    v.setDockerSizeGB(0);
    spec.setVolumes(v);
    assertEquals(List.of(
        "spec.cpus: must be 1-512, got 0",
        "spec.dnsServers[1]: \"dns.example\" is not an IP address",
        "spec.hostVolumes[0].hostPath: \"relative\" must be an absolute path without '..'",
        "spec.hostVolumes[0].mountPath: \"/mnt/../etc\" must be an absolute path without '..'",
        "spec.hostVolumes[0].name: \"Data\" is not a DNS-1123 label (lower-case letters, digits and '-', starting "
            + "and ending with a letter or digit)",
        "spec.image.volume: is required (the base image volume the root disk is layered on)",
        "spec.memory: \"256Mi\" is less than 512Mi, too small for a node",
        "spec.providerID: \"libvirt://x\" must start with kvm://",
        "spec.volumes.dockerSizeGB: must be 1-65536 GB, got 0"), fmt(rules.validateMachineSpec(spec, "spec")));
    KVMMachineSpec ok = withImage(new KVMMachineSpec());
    ok.setDnsServers(List.of("fd00::53", "10.0.0.53"));
    ok.setNtpServers(List.of("pool.ntp.org"));
    assertEquals(List.of(), rules.validateMachineSpec(ok, "spec"));
  }

  @Test
  void hostVolumesIscsiAndEtcdStorageRulesAreTheProvidersToo() {
    KVMMachineSpec spec = new KVMMachineSpec();
    spec.setIscsiInitiatorName("iqn.24-1.example");
    HostVolume tag = new HostVolume();
    tag.setName("etcd");
    tag.setHostPath("/srv/with space");
    tag.setMountPath("/mnt/a");
    HostVolume longName = new HostVolume();
    longName.setName("a-name-that-is-longer-than-a-9p-tag");
    longName.setHostPath("/srv/b");
    longName.setMountPath("/mnt/a");
    spec.setHostVolumes(java.util.Arrays.asList(tag, longName, null));
    EtcdStorage both = new EtcdStorage();
    both.setHostPath("/var/lib/etcd");
    both.setSizeGB(10);
    spec.setEtcdStorage(both);
    assertEquals(List.of(
        "spec.etcdStorage: set exactly one of hostPath and sizeGB",
        "spec.hostVolumes[0].hostPath: \"/srv/with space\" has characters other than letters, digits, '-', '_', "
            + "'.' and '/', or is longer than 4096",
        "spec.hostVolumes[0].name: \"etcd\" is reserved for etcdStorage.hostPath",
        "spec.hostVolumes[1].mountPath: \"/mnt/a\" is listed twice",
        "spec.hostVolumes[1].name: is longer than 31 characters (9p mount tag)",
        "spec.hostVolumes[2]: must be an object",
        "spec.image.volume: is required (the base image volume the root disk is layered on)",
        "spec.iscsiInitiatorName: \"iqn.24-1.example\" is not an iSCSI name (iqn.YYYY-MM.reversed.domain[:id] or "
            + "eui.<16 hex digits>)"), fmt(KvmRules.machineSpecProblems(spec, "spec")));
    EtcdStorage size = new EtcdStorage();
    size.setSizeGB(10);
    KVMMachineSpec ok = withImage(new KVMMachineSpec());
    ok.setEtcdStorage(size);
    ok.setIscsiInitiatorName("iqn.2024-01.io.capkit:node-1");
    assertEquals(List.of(), rules.validateMachineSpec(ok, "spec"));
  }

  @Test
  void providerIdIsImmutableOnceSet() {
    KVMMachineSpec a = withImage(new KVMMachineSpec());
    a.setProviderID("kvm://a");
    KVMMachineSpec b = withImage(new KVMMachineSpec());
    b.setProviderID("kvm://b");
    assertEquals(List.of("spec.providerID: is immutable once set (was kvm://a)"),
        fmt(rules.validateMachineUpdate(a, b, "spec")));
    assertEquals(List.of(), rules.validateMachineUpdate(withImage(new KVMMachineSpec()), b, "spec"));
  }

  @Test
  void clusterHostsNeedLibvirtUris() {
    KVMClusterSpec spec = new KVMClusterSpec();
    KVMHost h1 = new KVMHost();
    h1.setName("h1");
    h1.setUri("qemu+ssh://h1/system");
    KVMHost h2 = new KVMHost();
    h2.setName("h1");
    h2.setUri("http://h2");
    spec.setHosts(List.of(h1, h2));
    assertEquals(List.of("spec.hosts[1].name: \"h1\" is listed twice",
        "spec.hosts[1].uri: \"http://h2\" is not a libvirt URI; scheme must be one of [qemu, qemu+libssh, "
            + "qemu+libssh2, qemu+ssh, qemu+tcp, qemu+tls, qemu+unix, test]"), fmt(rules.validateClusterSpec(spec, "spec")));
  }

  @Test
  void templatesAreImmutable() {
    KVMMachineTemplateSpec a = new KVMMachineTemplateSpec();
    KVMMachineTemplateSpec b = new KVMMachineTemplateSpec();
    assertEquals(List.of(), rules.checkTemplateUnchanged(a, b, "spec"));
    KVMMachineTemplateResource r = new KVMMachineTemplateResource();
    r.setSpec(new KVMMachineSpec());
    r.getSpec().setCpus(8);
    b.setTemplate(r);
    assertEquals("spec", rules.checkTemplateUnchanged(a, b, "spec").get(0).path());
  }

  private static KVMMachineSpec withImage(KVMMachineSpec spec) {
    BaseImage image = new BaseImage();
    image.setVolume("debian-12.qcow2");
    spec.setImage(image);
    return spec;
  }
}
