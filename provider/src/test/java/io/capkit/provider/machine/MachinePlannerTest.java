package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.infra.EtcdStorage;
import io.capkit.api.infra.HostVolume;
import io.capkit.api.infra.KVMMachineSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachinePlannerTest {
  private static final MachineIdentity ID = MachineIdentity.of("ns", "m");

  @Test
  void validSpecBecomesPlanWithSizesInBytes() {
    MachinePlan p = MachinePlanner.plan(ID, TestPlans.spec(), TestPlans.HOST, false);
    assertEquals(2, p.cpus());
    assertEquals(4096, p.memoryMiB());
    assertEquals(20L << 30, p.rootBytes());
    assertEquals(List.of(new MachinePlan.DataVolume(VolumeRole.DOCKER, 40L << 30),
        new MachinePlan.DataVolume(VolumeRole.KUBELET, 30L << 30)), p.dataVolumes());
    assertEquals(TestPlans.POOL, p.image().pool());
  }

  @Test
  void invalidTemplateValuesAreReportedTogetherWithFieldPaths() {
    KVMMachineSpec s = TestPlans.spec();
    s.setCpus(0);
    s.setMemory("8XB");
    s.getVolumes().setDockerSizeGB(-1);
    s.setDnsServers(List.of("not an ip"));
    s.setIscsiInitiatorName("iqn.2024-01.io.capkit:cp");
    HostVolume hv = new HostVolume();
    hv.setName("Data");
    hv.setHostPath("relative/path");
    hv.setMountPath("/data");
    s.setHostVolumes(List.of(hv));
    EtcdStorage etcd = new EtcdStorage();
    etcd.setSizeGB(10);
    s.setEtcdStorage(etcd);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> MachinePlanner.plan(ID, s, TestPlans.HOST, false));
    List<String> paths = e.problems().stream().map(Problem::path).toList();
    assertEquals(List.of("spec.cpus", "spec.dnsServers[0]", "spec.etcdStorage", "spec.hostVolumes[0].hostPath",
        "spec.hostVolumes[0].name", "spec.iscsiInitiatorName", "spec.memory", "spec.volumes.dockerSizeGB"), paths);
    assertTrue(e.getMessage().contains("spec.memory: \"8XB\" is not a memory quantity"), e.getMessage());
  }

  @Test
  void controlPlaneGetsIscsiAndEtcdVolumeWorkersGetHostVolumes() {
    KVMMachineSpec cp = TestPlans.spec();
    cp.setIscsiInitiatorName("iqn.2024-01.io.capkit:node-1");
    EtcdStorage etcd = new EtcdStorage();
    etcd.setSizeGB(10);
    cp.setEtcdStorage(etcd);
    MachinePlan p = MachinePlanner.plan(ID, cp, TestPlans.HOST, true);
    assertEquals("iqn.2024-01.io.capkit:node-1", p.iscsiInitiatorName());
    assertEquals(VolumeRole.ETCD, p.dataVolumes().get(2).role());

    KVMMachineSpec w = TestPlans.workerWithHostVolume();
    MachinePlan wp = MachinePlanner.plan(ID, w, TestPlans.HOST, false);
    assertEquals(List.of(new MachinePlan.SharedDirectory("data", "/srv/data", "/mnt/data", true)), wp.sharedDirectories());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> MachinePlanner.plan(ID, w, TestPlans.HOST, true));
    assertEquals("spec.hostVolumes: host volumes are for worker machines only", e.getMessage());
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> MachinePlanner.plan(ID, new KVMMachineSpec(), TestPlans.HOST, false));
    assertEquals(List.of("spec.cpus", "spec.image.volume", "spec.memory"),
        e.problems().stream().map(Problem::path).toList());
  }
}
