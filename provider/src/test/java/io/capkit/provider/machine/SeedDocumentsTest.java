package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.EtcdStorage;
import io.capkit.api.infra.KVMMachineSpec;
import io.capkit.api.yaml.YamlDocuments;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedDocumentsTest {
  private static final byte[] BOOTSTRAP =
      "## template: jinja\n#cloud-config\nruncmd: [\"kubeadm join --token s3cr3t\"]\n".getBytes(StandardCharsets.UTF_8);

  private static Map<String, Object> yaml(byte[] b) {
    return YamlDocuments.loadOne("seed", new String(b, StandardCharsets.UTF_8));
  }

  @Test
  void metaDataInstanceIdIsHostSlashUuidSoKubeletProviderIdMatches() {
    MachinePlan plan = TestPlans.plan("ns", "worker-1", TestPlans.HOST);
    SeedDocuments seed = SeedDocuments.of(plan, BOOTSTRAP);
    Map<String, Object> meta = yaml(seed.metaData());
    assertEquals("host-a/" + plan.identity().uuid(), meta.get("instance-id"));
    assertEquals("worker-1", meta.get("local-hostname"));
    // The renderer sets kubelet provider-id to "kvm://{{ ds.meta_data.instance_id }}".
    assertEquals(plan.identity().providerId("host-a"), "kvm://" + meta.get("instance-id"));
  }

  @Test
  void userDataIsTheBootstrapDataByteForByte() {
    SeedDocuments seed = SeedDocuments.of(TestPlans.plan("ns", "w", TestPlans.HOST), BOOTSTRAP);
    assertArrayEquals(BOOTSTRAP, seed.userData());
    assertFalse(seed.toString().contains("s3cr3t"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void vendorDataCarriesNtpVolumesAndIscsiNetworkConfigCarriesDns() {
    KVMMachineSpec cp = TestPlans.spec();
    cp.setIscsiInitiatorName("iqn.2024-01.io.capkit:cp-1");
    EtcdStorage etcd = new EtcdStorage();
    etcd.setSizeGB(8);
    cp.setEtcdStorage(etcd);
    MachinePlan plan = MachinePlanner.plan(MachineIdentity.of("ns", "cp-1"), cp, TestPlans.HOST, true);
    SeedDocuments seed = SeedDocuments.of(plan, BOOTSTRAP);
    assertTrue(new String(seed.vendorData(), StandardCharsets.UTF_8).startsWith("#cloud-config\n"));
    Map<String, Object> vendor = yaml(seed.vendorData());
    assertEquals(List.of("ntp.example.org"), ((Map<String, Object>) vendor.get("ntp")).get("servers"));
    Map<String, Object> file = ((List<Map<String, Object>>) vendor.get("write_files")).get(0);
    assertEquals("/etc/iscsi/initiatorname.iscsi", file.get("path"));
    assertEquals("InitiatorName=iqn.2024-01.io.capkit:cp-1\n", file.get("content"));
    List<List<Object>> mounts = (List<List<Object>>) vendor.get("mounts");
    assertEquals(List.of("/var/lib/docker", "/var/lib/kubelet", "/var/lib/etcd"),
        mounts.stream().map(m -> m.get(1)).toList());
    List<Map<String, Object>> fs = (List<Map<String, Object>>) vendor.get("fs_setup");
    assertEquals("/dev/disk/by-id/virtio-etcd", fs.get(2).get("device"));

    Map<String, Object> net = yaml(seed.networkConfig());
    Map<String, Object> primary = (Map<String, Object>) ((Map<String, Object>) net.get("ethernets")).get("primary");
    assertEquals(List.of("10.0.0.53"), ((Map<String, Object>) primary.get("nameservers")).get("addresses"));
    // Matched by the MAC the domain's NIC carries: cloud-init ignores a name pattern and would configure "primary".
    assertEquals(Map.of("macaddress", plan.identity().macAddress()), primary.get("match"));
    assertEquals(List.of("meta-data", "user-data", "vendor-data", "network-config"), List.copyOf(seed.files().keySet()));
  }

  @Test
  void noVendorDataWhenProviderHasNothingToAdd() {
    KVMMachineSpec s = TestPlans.spec();
    s.setNtpServers(null);
    s.setVolumes(null);
    MachinePlan plan = MachinePlanner.plan(MachineIdentity.of("ns", "w"), s, TestPlans.HOST, false);
    SeedDocuments seed = SeedDocuments.of(plan, BOOTSTRAP);
    assertEquals(0, seed.vendorData().length);
    assertEquals(List.of("meta-data", "user-data", "network-config"), List.copyOf(seed.files().keySet()));
  }
}
