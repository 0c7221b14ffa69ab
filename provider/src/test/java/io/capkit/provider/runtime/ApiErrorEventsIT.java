package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static io.capkit.provider.runtime.CapiFixture.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.capkit.api.infra.Initialization;
import io.capkit.api.infra.KVMCluster;
import io.capkit.api.infra.KVMMachine;
import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.SharedBackend;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.provider.machine.MachineIdentity;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * API-server errors on the provider's own writes, provoked deterministically on the shared real API server by a
 * ValidatingAdmissionPolicy (reason Forbidden, bound to the test's namespace) that is in force before the provider
 * starts: each becomes one Warning event {@code ApiError} naming the write and the HTTP code, its count rising with
 * the framework's retries, and the work resumes once the policy is lifted.
 */
@ExtendWith(KubeApiServerExtension.class)
class ApiErrorEventsIT {

  @Test
  void forbiddenClaimOfAHostIsOneWarningEventAndProvisioningResumesWhenAllowed(KubernetesClient client,
      @TempDir Path dir) throws Exception {
    String ns = "api-error-claim";
    String uri = TestDriver.uri(dir);
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("h1", uri)), false);
    f.secret("boot");
    f.kvmMachine("m1", f.machine("m1", "boot", null));
    try (LibvirtBackend node = JnaLibvirtBackend.open(uri);
         Policy policy = Policy.deny(client, ns, "kvmmachines")) {
      // In force once a write of the test's own is refused; until then the write is a harmless label.
      await("policy in force", () -> refused(() -> client.resources(KVMMachine.class).inNamespace(ns).withName("m1")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"probe\":\"x\"}}}")));
      try (KvmProvider provider = start(client, ns,
          new LibvirtConnections(CapiFixture.routed(u -> u.equals(uri) ? SharedBackend.of(node)
              : JnaLibvirtBackend.open(u))))) {
        String message = "patch KVMMachine (claim host h1): HTTP 403 Forbidden";
        await("an ApiError event repeated by a retry", () -> f.events("m1", ApiCallFailure.REASON).stream()
            .anyMatch(e -> message.equals(e.getMessage()) && e.getCount() >= 2));
        List<Event> events = f.events("m1", ApiCallFailure.REASON);
        assertEquals(1, events.size(), "repeats fold into one Event: " + events);
        assertEquals("Warning", events.get(0).getType());
        assertEquals(f.get("m1").getMetadata().getUid(), events.get(0).getInvolvedObject().getUid());
        assertNull(f.get("m1").getSpec().getFailureDomain(), "the claim was not stored");
        assertEquals(List.of(), node.listDomains(), "nothing is created without a stored claim");

        policy.lift();
        await("provisioned after the policy is lifted", () -> f.provisioned("m1"));
        assertEquals(List.of(MachineIdentity.of(ns, "m1").domainName()), node.listDomains());
      }
    }
  }

  @Test
  void forbiddenStatusPatchOfAKvmClusterIsAWarningEventAndTheStatusFollowsWhenAllowed(KubernetesClient client,
      @TempDir Path dir) throws Exception {
    String ns = "api-error-status";
    CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("h1", TestDriver.uri(dir))), false);
    try (Policy policy = Policy.deny(client, ns, "kvmclusters/status")) {
      await("policy in force", () -> refused(() -> client.resources(KVMCluster.class).inNamespace(ns)
          .withName(CapiFixture.CLUSTER).subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"observedGeneration\":1}}")));
      try (KvmProvider provider = start(client, ns, new LibvirtConnections(JnaLibvirtBackend::open))) {
        String message = "patch KVMCluster status: HTTP 403 Forbidden";
        await("an ApiError event", () -> f.events(CapiFixture.CLUSTER, ApiCallFailure.REASON).stream()
            .anyMatch(e -> message.equals(e.getMessage())));
        assertEquals(1, f.events(CapiFixture.CLUSTER, ApiCallFailure.REASON).size());
        assertNull(initialization(client, ns), "the status write was refused");

        policy.lift();
        await("provisioned after the policy is lifted", () -> {
          Initialization init = initialization(client, ns);
          return init != null && Boolean.TRUE.equals(init.getProvisioned());
        });
      }
    }
  }

  private static Initialization initialization(KubernetesClient client, String ns) {
    KVMCluster kc = client.resources(KVMCluster.class).inNamespace(ns).withName(CapiFixture.CLUSTER).get();
    return kc.getStatus() == null ? null : kc.getStatus().getInitialization();
  }

  private static KvmProvider start(KubernetesClient client, String ns, LibvirtConnections connections) {
    return KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0).withNamespaces(Set.of(ns)), client,
        connections);
  }

  /** Whether the write was refused with 403; any other failure fails the test. */
  private static boolean refused(Runnable write) {
    try {
      write.run();
      return false;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return true;
      }
      throw e;
    }
  }

  /** A ValidatingAdmissionPolicy refusing every UPDATE of one resource in one namespace, with its binding. */
  private record Policy(KubernetesClient client, String name) implements AutoCloseable {
    static Policy deny(KubernetesClient client, String ns, String resource) {
      String name = "deny-" + ns;
      client.resource("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: %s}
          spec:
            failurePolicy: Fail
            matchConstraints:
              resourceRules:
              - apiGroups: [infrastructure.cluster.x-k8s.io]
                apiVersions: ["*"]
                operations: [UPDATE]
                resources: [%s]
            validations:
            - expression: "false"
              reason: Forbidden
              message: writes are frozen by the test
          """.formatted(name, resource)).create();
      client.resource("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: %s}
          spec:
            policyName: %s
            validationActions: [Deny]
            matchResources:
              namespaceSelector:
                matchLabels: {kubernetes.io/metadata.name: %s}
          """.formatted(name, name, ns)).create();
      return new Policy(client, name);
    }

    /** Removes the binding; the policy then binds nothing. */
    void lift() {
      client.resources(ValidatingAdmissionPolicyBinding.class)
          .withName(name).delete();
    }

    @Override
    public void close() {
      lift();
      client.resources(ValidatingAdmissionPolicy.class)
          .withName(name).delete();
    }
  }
}
