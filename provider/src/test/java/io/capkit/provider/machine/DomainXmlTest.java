package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.capkit.api.infra.HostVolume;
import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.infra.SharedDirectory;
import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.provider.libvirt.GuestPlatform;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class DomainXmlTest {

  static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  static List<String> all(Document d, String expr) throws Exception {
    XPath x = XPathFactory.newInstance().newXPath();
    NodeList nodes = (NodeList) x.evaluate(expr, d, XPathConstants.NODESET);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent());
    }
    return out;
  }

  @Test
  void domainCarriesIdentitySizesDisksSeedAndNetwork() throws Exception {
    MachinePlan plan = TestPlans.plan("ns", "worker-1", TestPlans.HOST);
    Document d = parse(DomainXml.of(plan, TestPlans.TCG, "/pool/ns.worker-1-console.log"));
    assertEquals(List.of("ns.worker-1"), all(d, "/domain/name"));
    assertEquals(List.of(plan.identity().uuid().toString()), all(d, "/domain/uuid"));
    assertEquals(List.of("4096"), all(d, "/domain/memory"));
    assertEquals(List.of("2"), all(d, "/domain/vcpu"));
    assertEquals(List.of("ns.worker-1-root.qcow2", "ns.worker-1-docker.qcow2", "ns.worker-1-kubelet.qcow2",
        "ns.worker-1-seed.iso"), all(d, "/domain/devices/disk/source/@volume"));
    assertEquals(List.of("vda", "vdb", "vdc", "sda"), all(d, "/domain/devices/disk/target/@dev"));
    assertEquals(List.of("cdrom"), all(d, "/domain/devices/disk[target/@dev='sda']/@device"));
    // Cloud kernels lack AHCI: the seed sits on virtio-scsi, the root disk boots first by device order.
    assertEquals(List.of("scsi"), all(d, "/domain/devices/disk[target/@dev='sda']/target/@bus"));
    assertEquals(List.of("virtio-scsi"), all(d, "/domain/devices/controller[@type='scsi']/@model"));
    assertEquals(List.of("1"), all(d, "/domain/devices/disk[target/@dev='vda']/boot/@order"));
    assertEquals(List.of(), all(d, "/domain/os/boot"));
    assertEquals(List.of(plan.identity().macAddress()), all(d, "/domain/devices/interface/mac/@address"));
    assertEquals(List.of("/pool/ns.worker-1-console.log"), all(d, "/domain/devices/serial/log/@file"));
    assertEquals(List.of("default"), all(d, "/domain/devices/interface/source/@network"));
    assertEquals(List.of("host-a"), all(d, "/domain/metadata/*[local-name()='machine']/@host"));
  }

  @Test
  void sameInputGivesSameBytesAndValuesAreEscapedNotSpliced() throws Exception {
    KVMMachineSpec s = TestPlans.spec();
    HostVolume hv = new HostVolume();
    hv.setName("data");
    hv.setHostPath("/srv/a_b/c.d");
    hv.setMountPath("/mnt/data");
    s.setHostVolumes(List.of(hv));
    // Escaping is DomainXml's job whatever the KVMHost rules let through, so this host skips them.
    KVMHostSpec admin = TestPlans.admin();
    admin.setStoragePool("pool'<&>\"");
    admin.setNetwork("net&work");
    SharedDirectory dir = new SharedDirectory();
    dir.setPath("/srv/a_b/c.d");
    admin.setSharedDirectories(List.of(dir));
    HostTarget odd = new HostTarget("host-a", false, admin);
    MachinePlan plan = MachinePlanner.plan(MachineIdentity.of("ns", "m"), s, odd, false);
    String xml = DomainXml.of(plan, TestPlans.TCG, null);
    assertEquals(xml, DomainXml.of(plan, TestPlans.TCG, null));
    Document d = parse(xml);
    assertEquals("pool'<&>\"", all(d, "/domain/devices/disk/source/@pool").get(0));
    assertEquals(List.of("net&work"), all(d, "/domain/devices/interface/source/@network"));
    assertEquals(List.of("/srv/a_b/c.d"), all(d, "/domain/devices/filesystem/source/@dir"));
    assertEquals(List.of("data"), all(d, "/domain/devices/filesystem/target/@dir"));
    assertEquals(1, d.getElementsByTagName("readonly").getLength() - 1, "the shared directory is read-only (the "
        + "other <readonly/> is the seed CD-ROM's)");
  }

  @Test
  void acceleratorMachineAndCpuFollowTheHost() throws Exception {
    MachinePlan plan = TestPlans.plan("ns", "m", TestPlans.HOST);
    Document tcg = parse(DomainXml.of(plan, TestPlans.TCG, null));
    assertEquals(List.of("qemu"), all(tcg, "/domain/@type"));
    assertEquals(List.of("maximum"), all(tcg, "/domain/cpu/@mode"));
    assertEquals(List.of("q35"), all(tcg, "/domain/os/type/@machine"));
    assertEquals(List.of(), all(tcg, "/domain/devices/serial/log"));
    Document kvm = parse(DomainXml.of(plan, TestPlans.KVM, null));
    assertEquals(List.of("kvm"), all(kvm, "/domain/@type"));
    assertEquals(List.of("host-passthrough"), all(kvm, "/domain/cpu/@mode"));
    GuestPlatform old = new GuestPlatform(GuestPlatform.Accelerator.TCG, "pc", "custom", "qemu64", "old libvirt");
    Document custom = parse(DomainXml.of(plan, old, null));
    assertEquals(List.of("qemu64"), all(custom, "/domain/cpu/model"));
    assertEquals(List.of("custom"), all(custom, "/domain/cpu/@mode"));
    assertEquals(List.of("pc"), all(custom, "/domain/os/type/@machine"));
  }

  @Test
  void cpuSharesStayWithinCgroupV2Weight() throws Exception {
    // cgroup v2 takes cpu.weight 1..10000; cpus x 1024 failed to start a guest with 10 or more vCPUs.
    assertEquals(100, DomainXml.shares(1));
    assertEquals(400, DomainXml.shares(4));
    assertEquals(6400, DomainXml.shares(64));
    assertEquals(10_000, DomainXml.shares(100));
    assertEquals(10_000, DomainXml.shares(512));
    KVMMachineSpec big = TestPlans.spec();
    big.setCpus(16);
    MachinePlan plan = MachinePlanner.plan(MachineIdentity.of("ns", "big"), big, TestPlans.HOST, false);
    assertEquals(List.of("1600"), all(parse(DomainXml.of(plan, TestPlans.TCG, null)), "/domain/cputune/shares"));
  }
}
