package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMMachine;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider's client reads and writes objects without metadata.managedFields, and nothing else is lost. */
class ProviderSerializationTest {
  static final String MANAGED = "\"managedFields\":[{\"manager\":\"capkit-kvm-provider\",\"operation\":\"Apply\","
      + "\"apiVersion\":\"infrastructure.cluster.x-k8s.io/v1alpha1\",\"fieldsType\":\"FieldsV1\",\"subresource\":"
      + "\"status\",\"fieldsV1\":{\"f:status\":{\"f:conditions\":{\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\".\":{}}}}}}]";

  private final KubernetesSerialization s = KvmProvider.serialization();

  @Test
  void typedObjectsKeepEverythingButManagedFields() {
    KVMMachine k = s.unmarshal("{\"apiVersion\":\"infrastructure.cluster.x-k8s.io/v1alpha1\",\"kind\":\"KVMMachine\","
        + "\"metadata\":{\"name\":\"m1\",\"namespace\":\"ns\",\"uid\":\"u1\",\"resourceVersion\":\"7\",\"generation\":2,"
        + "\"labels\":{\"cluster.x-k8s.io/cluster-name\":\"c1\"},\"finalizers\":[\"f\"]," + MANAGED + "},"
        + "\"spec\":{\"failureDomain\":\"h1\",\"providerID\":\"kvm://h1/u\"},\"status\":{\"domainName\":\"ns.m1\"}}",
        KVMMachine.class);
    assertTrue(k.getMetadata().getManagedFields() == null || k.getMetadata().getManagedFields().isEmpty());
    assertTrue(k.getMetadata().getAdditionalProperties().isEmpty(), "not kept as an unknown property either");
    assertEquals("m1", k.getMetadata().getName());
    assertEquals("7", k.getMetadata().getResourceVersion());
    assertEquals(2L, k.getMetadata().getGeneration());
    assertEquals(Map.of("cluster.x-k8s.io/cluster-name", "c1"), k.getMetadata().getLabels());
    assertEquals(List.of("f"), k.getMetadata().getFinalizers());
    assertEquals("kvm://h1/u", k.getSpec().getProviderID());
    assertEquals("ns.m1", k.getStatus().getDomainName());
  }

  @Test
  void genericObjectsToo() {
    GenericKubernetesResource m = s.unmarshal("{\"apiVersion\":\"cluster.x-k8s.io/v1beta2\",\"kind\":\"Machine\","
        + "\"metadata\":{\"name\":\"m1\",\"namespace\":\"ns\"," + MANAGED + "},\"spec\":{\"clusterName\":\"c1\"}}",
        GenericKubernetesResource.class);
    assertTrue(m.getMetadata().getManagedFields() == null || m.getMetadata().getManagedFields().isEmpty());
    assertEquals(Map.of("clusterName", "c1"), m.getAdditionalProperties().get("spec"));
  }

  @Test
  void writesCarryNoManagedFields() {
    KVMMachine k = new KVMMachine();
    k.getMetadata().setName("m1");
    k.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("x").build()));
    String json = s.asJson(k);
    assertFalse(json.contains("managedFields"), json);
    assertTrue(json.contains("\"name\":\"m1\""), json);
  }

  /**
   * The serialization does not search the class path for model classes (fabric8's scan of about 600 of them), yet a
   * watch's ERROR event still arrives as a Status (fabric8 re-lists on 410 Gone only then), and the watched kinds as
   * their classes.
   */
  @Test
  void watchEventsWithoutTheClassPathScan() {
    WatchEvent gone = s.unmarshal("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version: 1 (2)\","
        + "\"reason\":\"Expired\",\"code\":410}}", WatchEvent.class);
    Status status = assertInstanceOf(Status.class, gone.getObject());
    assertEquals(410, status.getCode());
    assertEquals("Expired", status.getReason());

    WatchEvent added = s.unmarshal("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":"
        + "\"infrastructure.cluster.x-k8s.io/v1alpha1\",\"kind\":\"KVMMachine\",\"metadata\":{\"name\":\"m1\","
        + MANAGED + "},\"spec\":{\"providerID\":\"kvm://h1/u\"}}}", WatchEvent.class);
    KVMMachine k = assertInstanceOf(KVMMachine.class, added.getObject());
    assertEquals("kvm://h1/u", k.getSpec().getProviderID());
    assertTrue(k.getMetadata().getManagedFields() == null || k.getMetadata().getManagedFields().isEmpty());
    for (Class<? extends KubernetesResource> kind : KvmProvider.RECEIVED_UNTYPED) {
      assertEquals(kind, s.getRegisteredKubernetesResource(HasMetadata.getApiVersion(kind), HasMetadata.getKind(kind)));
    }

    WatchEvent pod = s.unmarshal("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
        + "\"metadata\":{\"name\":\"p\"}}}", WatchEvent.class);
    assertInstanceOf(GenericKubernetesResource.class, pod.getObject());
    assertNull(s.getRegisteredKubernetesResource("v1", "Pod"), "no class-path scan");
  }
}
