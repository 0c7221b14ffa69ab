package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMMachine;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineGateTest {

  static KVMMachine kvm(boolean owned) {
    KVMMachine k = new KVMMachine();
    var meta = new ObjectMetaBuilder().withNamespace("ns").withName("m1");
    if (owned) {
      meta.withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("cluster.x-k8s.io/v1beta2")
          .withKind("Machine").withName("machine-1").withUid("u1").build());
    }
    k.setMetadata(meta.build());
    k.setSpec(TestPlans.spec());
    return k;
  }

  static GenericKubernetesResource machine(String secret) {
    GenericKubernetesResource m = new GenericKubernetesResource();
    m.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("machine-1").build());
    m.setAdditionalProperty("spec", secret == null ? Map.of("clusterName", "c1")
        : Map.of("clusterName", "c1", "bootstrap", Map.of("dataSecretName", secret)));
    return m;
  }

  static GenericKubernetesResource cluster(boolean paused, boolean infraReady) {
    GenericKubernetesResource c = new GenericKubernetesResource();
    c.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName("c1").build());
    c.setAdditionalProperty("spec", Map.of("paused", paused, "infrastructureRef",
        Map.of("apiGroup", "infrastructure.cluster.x-k8s.io", "kind", "KVMCluster", "name", "c1")));
    c.setAdditionalProperty("status", Map.of("initialization", Map.of("infrastructureProvisioned", infraReady)));
    return c;
  }

  static Secret secret(String value) {
    return new SecretBuilder().withNewMetadata().withNamespace("ns").withName("s1").endMetadata()
        .withData(value == null ? Map.of("format", "Y2xvdWQtY29uZmln")
            : Map.of("value", Base64.getEncoder().encodeToString(value.getBytes())))
        .build();
  }

  private static String reason(MachineFacts f) {
    return MachineGate.check(f).map(MachineGate.Wait::reason).orElse("Proceed");
  }

  @Test
  void waitsForEachPrerequisiteInOrderAndSaysWhich() {
    KVMCluster kc = new KVMCluster();
    assertEquals("WaitingForOwner", reason(new MachineFacts(kvm(false), null, null, null, null)));
    assertEquals("WaitingForMachine", reason(new MachineFacts(kvm(true), null, null, null, null)));
    assertEquals("WaitingForCluster", reason(new MachineFacts(kvm(true), machine(null), null, null, null)));
    assertEquals("WaitingForKVMCluster",
        reason(new MachineFacts(kvm(true), machine(null), cluster(false, true), null, null)));
    assertEquals("WaitingForClusterInfrastructure",
        reason(new MachineFacts(kvm(true), machine(null), cluster(false, false), kc, null)));
    assertEquals("WaitingForBootstrapData",
        reason(new MachineFacts(kvm(true), machine(null), cluster(false, true), kc, null)));
    MachineFacts noSecret = new MachineFacts(kvm(true), machine("s1"), cluster(false, true), kc, null);
    assertEquals("bootstrap Secret ns/s1 not found", MachineGate.check(noSecret).orElseThrow().message());
    MachineFacts noValue = new MachineFacts(kvm(true), machine("s1"), cluster(false, true), kc, secret(null));
    assertEquals("bootstrap Secret ns/s1 has no key \"value\"", MachineGate.check(noValue).orElseThrow().message());
    MachineFacts ready = new MachineFacts(kvm(true), machine("s1"), cluster(false, true), kc, secret("#cloud-config"));
    assertEquals("Proceed", reason(ready));
    assertEquals("#cloud-config", new String(MachineGate.bootstrapData(ready).orElseThrow()));
  }

  @Test
  void pausedClusterOrAnnotationPauses() {
    KVMCluster kc = new KVMCluster();
    MachineFacts pausedSpec = new MachineFacts(kvm(true), machine("s1"), cluster(true, true), kc, secret("x"));
    assertTrue(MachineGate.check(pausedSpec).orElseThrow().paused());
    KVMMachine annotated = kvm(true);
    annotated.getMetadata().setAnnotations(Map.of(CapiObjects.PAUSED_ANNOTATION, ""));
    assertTrue(MachineGate.check(new MachineFacts(annotated, machine("s1"), cluster(false, true), kc, secret("x")))
        .orElseThrow().paused());
  }

  @Test
  void finalizerFilterNeedsAnOwnerMachine() {
    assertEquals(false, KvmMachineReconciler.hasOwnerOrIsDeleting(kvm(false)));
    assertEquals(true, KvmMachineReconciler.hasOwnerOrIsDeleting(kvm(true)));
  }

  @Test
  void aProvisionedMachineReadsNoSecretButStillNeedsItsMachineToNameOne() {
    KVMCluster kc = new KVMCluster();
    KVMMachine provisioned = kvm(true);
    var status = new io.capkit.api.infra.KVMMachineStatus();
    var init = new io.capkit.api.infra.Initialization();
    init.setProvisioned(true);
    status.setInitialization(init);
    provisioned.setStatus(status);
    assertEquals(false, MachineFacts.needsBootstrapRead(provisioned));
    assertEquals(true, MachineFacts.needsBootstrapRead(kvm(true)));
    init.setProvisioned(false);
    assertEquals(true, MachineFacts.needsBootstrapRead(provisioned));
    init.setProvisioned(true);

    int[] gets = {0};
    MachineFacts.Lookup lookup = new MachineFacts.Lookup() {
      public GenericKubernetesResource machine(String ns, String name) {
        return MachineGateTest.machine("s1");
      }

      public GenericKubernetesResource cluster(String ns, String name) {
        return MachineGateTest.cluster(false, true);
      }

      public KVMCluster kvmCluster(String ns, String name) {
        return kc;
      }

      public Secret bootstrapSecret(String ns, String name) {
        gets[0]++;
        return null;
      }
    };
    MachineFacts cached = MachineFacts.gather(lookup, provisioned, false);
    assertEquals(0, gets[0], "no Secret GET");
    assertEquals(null, cached.bootstrap());
    assertTrue(MachineGate.checkWithoutSecret(cached).isEmpty());
    assertEquals("bootstrap Secret ns/s1 not found", MachineGate.check(cached).orElseThrow().message(),
        "the full check still needs the Secret");
    MachineFacts.gather(lookup, provisioned);
    assertEquals(1, gets[0]);
    MachineFacts noName = new MachineFacts(provisioned, machine(null), cluster(false, true), kc, null);
    assertEquals("WaitingForBootstrapData", MachineGate.checkWithoutSecret(noName).orElseThrow().reason());
  }
}
