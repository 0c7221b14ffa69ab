package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.EtcdStorage;
import io.capkit.api.infra.KVMMachineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Domain XML checked against libvirt's own RelaxNG schema with virt-xml-validate (package libvirt-clients). */
class DomainXmlIT {

  static void assertValid(Path dir, String name, String xml) throws Exception {
    Path validator = Path.of("/usr/bin/virt-xml-validate");
    assertTrue(Files.isExecutable(validator) && Files.isExecutable(Path.of("/usr/bin/xmllint")),
        "virt-xml-validate and xmllint are missing: run bash hack/ensure-system-packages.sh (installs libvirt-clients "
            + "and libxml2-utils)");
    Path file = dir.resolve(name + ".xml");
    Files.writeString(file, xml);
    Process p = new ProcessBuilder(validator.toString(), file.toString(), "domain").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out + "\n" + xml);
  }

  @Test
  void workerAndControlPlaneDomainsValidateAgainstLibvirtSchema(@TempDir Path dir) throws Exception {
    KVMMachineSpec w = TestPlans.workerWithHostVolume();
    assertValid(dir, "worker", DomainXml.of(MachinePlanner.plan(MachineIdentity.of("ns", "w"), w, TestPlans.HOST,
        false), TestPlans.TCG, "/var/lib/libvirt/images/ns.w-console.log"));

    KVMMachineSpec cp = TestPlans.spec();
    EtcdStorage etcd = new EtcdStorage();
    etcd.setHostPath("/srv/etcd");
    cp.setEtcdStorage(etcd);
    cp.setIscsiInitiatorName("iqn.2024-01.io.capkit:cp");
    assertValid(dir, "cp", DomainXml.of(MachinePlanner.plan(MachineIdentity.of("ns", "cp"), cp, TestPlans.HOST,
        true), TestPlans.KVM, null));
  }
}
