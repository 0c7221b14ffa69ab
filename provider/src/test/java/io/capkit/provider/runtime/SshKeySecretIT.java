package io.capkit.provider.runtime;

import static io.capkit.provider.runtime.CapiFixture.await;
import static io.capkit.provider.runtime.CapiFixture.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.capkit.api.infra.KVMHost;
import io.capkit.api.infra.SecretKeyReference;
import io.capkit.provider.libvirt.JnaLibvirtBackend;
import io.capkit.provider.libvirt.LibvirtBackend;
import io.capkit.provider.libvirt.LibvirtConnections;
import io.capkit.provider.libvirt.SharedBackend;
import io.capkit.provider.libvirt.TestDriver;
import io.capkit.testsupport.KubeApiServerExtension;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A KVMHost's sshKeySecretRef against the real API server: the provider reads the Secret from its own namespace and
 * asks for a connection whose URI carries keyfile=&lt;0600 file holding the key&gt; and no_tty=1 (no SSH server here:
 * the recording connections check the file when the connection is opened and hand over a test-driver node); a
 * missing Secret is a condition and an event that name the Secret, and the key is nowhere in events or status.
 */
@ExtendWith(KubeApiServerExtension.class)
class SshKeySecretIT {
  private static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2stc2VjcmV0LW1hdGVyaWFs-UNIQUE-7f3a\n"
      + "-----END OPENSSH PRIVATE KEY-----\n";

  /** One opened URI and what its keyfile held at that moment. */
  record Opened(String uri, String keyPerms, String keyContent) {}

  private static LibvirtConnections recording(List<Opened> opened, LibvirtBackend node) {
    return new LibvirtConnections(uri -> {
      String perms = null;
      String content = null;
      int at = uri.indexOf("keyfile=");
      if (at >= 0) {
        String value = uri.substring(at + "keyfile=".length()).split("&")[0];
        Path file = Path.of(URLDecoder.decode(value, StandardCharsets.UTF_8));
        try {
          perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
          content = Files.readString(file);
        } catch (java.io.IOException e) {
          perms = "unreadable: " + e;
        }
      }
      opened.add(new Opened(uri, perms, content));
      return SharedBackend.of(node);
    });
  }

  private static void providerSecret(KubernetesClient client, String ns, String name, String key, String value) {
    if (client.namespaces().withName(ns).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withData(Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))).build())
        .create();
  }

  private static void keyRef(KubernetesClient client, String host, String secret) {
    client.resources(KVMHost.class).withName(host).edit(h -> {
      SecretKeyReference ref = new SecretKeyReference();
      ref.setName(secret);
      ref.setKey("ssh-privatekey");
      h.getSpec().setSshKeySecretRef(ref);
      return h;
    });
  }

  private static KvmProvider start(KubernetesClient client, String ns, String own, LibvirtConnections c) {
    return KvmProvider.start(ProviderConfig.defaults().withHttp("127.0.0.1", 0).withNamespaces(Set.of(ns))
        .withProviderNamespace(own), client, c);
  }

  @Test
  void connectsWithAKeyfileHoldingTheSecretsKeyOwnerOnlyAndNeverShowsTheKey(KubernetesClient client,
      @TempDir Path dir) throws Exception {
    String ns = "sshkey-tenant";
    String own = "sshkey-provider";
    List<Opened> opened = new CopyOnWriteArrayList<>();
    providerSecret(client, own, "kvm-ssh", "ssh-privatekey", KEY);
    // The same name in the tenant's namespace holds another key: the provider must not read that one.
    KvmProvider provider = null;
    try (LibvirtBackend node = JnaLibvirtBackend.open(TestDriver.uri(dir))) {
      provider = start(client, ns, own, recording(opened, node));
      CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("sshk1", TestDriver.uri(dir))), false);
      client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("kvm-ssh")
          .endMetadata().withData(Map.of("ssh-privatekey", Base64.getEncoder().encodeToString(
              "TENANT-KEY".getBytes(StandardCharsets.UTF_8)))).build()).create();
      keyRef(client, "sshk1", "kvm-ssh");
      f.secret("boot");
      f.kvmMachine("m1", f.machine("m1", "boot", null));
      await("provisioned with the key", () -> f.provisioned("m1"));

      assertFalse(opened.isEmpty());
      for (Opened o : opened) {
        assertTrue(o.uri().startsWith("qemu+ssh://sshk1.test/system?keyfile=/"), o.uri());
        assertTrue(o.uri().endsWith("&no_tty=1"), o.uri());
        assertFalse(o.uri().contains("no_verify"), o.uri());
        assertEquals("rw-------", o.keyPerms(), o.uri());
        assertEquals(KEY, o.keyContent(), "the file holds the provider namespace's key, not the tenant's");
      }
      // status.libvirt records the admin's URI, without the parameters the provider added.
      assertEquals("qemu+ssh://sshk1.test/system", f.get("m1").getStatus().getLibvirt().getUri());
      String everything = Serialization.asJson(f.get("m1")) + Serialization.asJson(
          client.v1().events().inNamespace(ns).list().getItems());
      assertFalse(everything.contains("UNIQUE-7f3a"), "the key is in no status or event");
      assertFalse(everything.contains(Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8))
          .substring(0, 40)), "nor base64-encoded");
      Path keyFile = Path.of(URLDecoder.decode(opened.get(0).uri().replaceAll(".*keyfile=([^&]*).*", "$1"),
          StandardCharsets.UTF_8));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())));
      KvmProvider stopping = provider;
      provider = null;
      stopping.close();
      assertFalse(Files.exists(keyFile), "the key file is deleted when the provider stops");

      // A new provider deletes the machine over the same host: deletion connects with the key as well.
      opened.clear();
      provider = start(client, ns, own, recording(opened, node));
      client.resources(io.capkit.api.infra.KVMMachine.class).inNamespace(ns).withName("m1").delete();
      await("deleted", () -> f.get("m1") == null);
      assertFalse(f.events("m1", "Deleted").isEmpty());
      assertEquals(List.of(), node.listDomains());
      assertEquals(1, opened.size(), opened.toString());
      assertTrue(opened.get(0).uri().startsWith("qemu+ssh://sshk1.test/system?keyfile=/"), opened.get(0).uri());
      assertEquals("rw-------", opened.get(0).keyPerms());
      assertEquals(KEY, opened.get(0).keyContent());
    } finally {
      if (provider != null) {
        provider.close();
      }
      client.resources(KVMHost.class).withName("sshk1").delete();
    }
  }

  @Test
  void aMissingSecretIsAClearConditionAndEventAndNoConnection(KubernetesClient client, @TempDir Path dir)
      throws Exception {
    String ns = "sshkey-missing";
    String own = "sshkey-provider-2";
    List<Opened> opened = new CopyOnWriteArrayList<>();
    try (LibvirtBackend node = JnaLibvirtBackend.open(TestDriver.uri(dir));
         KvmProvider provider = start(client, ns, own, recording(opened, node))) {
      CapiFixture f = new CapiFixture(client, ns).cluster(List.of(host("sshk2", TestDriver.uri(dir))), false);
      keyRef(client, "sshk2", "absent-key");
      f.secret("boot");
      f.kvmMachine("m1", f.machine("m1", "boot", null));
      String expected = "Secret sshkey-provider-2/absent-key (sshKeySecretRef of KVMHost sshk2) not found";
      await("SSHKeyUnavailable", () -> ("False/SSHKeyUnavailable/" + expected).equals(f.ready("m1")));
      assertEquals(expected, f.events("m1", "SSHKeyUnavailable").get(0).getMessage());
      assertEquals("Warning", f.events("m1", "SSHKeyUnavailable").get(0).getType());
      assertTrue(opened.isEmpty(), "no connection is opened without the key: " + opened);
      assertTrue(node.listDomains().isEmpty());
    } finally {
      client.resources(KVMHost.class).withName("sshk2").delete();
    }
  }
}
