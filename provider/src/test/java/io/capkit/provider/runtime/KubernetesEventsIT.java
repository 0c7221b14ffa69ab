package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events on a real API server: a repeated warning is one Event with a count, a new message another Event. */
@ExtendWith(KubeApiServerExtension.class)
class KubernetesEventsIT {
  @Test
  void repeatsRaiseTheCountInsteadOfAddingEvents(KubernetesClient client) {
    String ns = "events";
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    // Any object will do as the subject; a ConfigMap needs no CRD.
    ConfigMap about = client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("subject").withNamespace(ns).endMetadata().build()).create();
    KubernetesEvents events = new KubernetesEvents(client);
    events.warning(about, "LibvirtUnreachable", "host h1 is unreachable");
    events.warning(about, "LibvirtUnreachable", "host h1 is unreachable");
    events.warning(about, "LibvirtUnreachable", "host h1 is unreachable");
    events.warning(about, "LibvirtUnreachable", "host h2 is unreachable");

    List<Event> all = client.v1().events().inNamespace(ns).list().getItems().stream()
        .sorted(Comparator.comparing(Event::getCount)).toList();
    assertEquals(2, all.size(), all.toString());
    assertEquals(List.of(1, 3), all.stream().map(Event::getCount).toList());
    assertEquals("host h2 is unreachable", all.get(0).getMessage());
    assertEquals(about.getMetadata().getUid(), all.get(1).getInvolvedObject().getUid());
    assertEquals(KubernetesEvents.COMPONENT, all.get(1).getSource().getComponent());
  }
}
